package org.loralgebra.exec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.loralgebra.graph.OutputMeta;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.TensorRef;

/**
 * Settles the extra tensors several inputs of a result hold under one key ({@link OutputMeta#contested()}), by reading
 * them: the same dtype, shape and bytes in every input keeps one; a difference drops the key from the result with a
 * warning naming it and the inputs (two classifier heads cannot be summed). A {@code modules_to_save} entry whose
 * tensors were all dropped leaves the config's list too (null when none is left): PEFT would otherwise wrap that
 * module and, finding no weights for it, keep a freshly initialised head.
 */
public final class ExtraTensors {
    private static final Logger LOG = Logger.getLogger("org.loralgebra");

    private ExtraTensors() {}

    /** The result's meta with every contested extra kept (where all inputs agree) or dropped. */
    public static AdapterMeta resolve(OutputMeta out) {
        if (out.contested().isEmpty()) {
            return out.meta();
        }
        Map<String, TensorRef> extras = new LinkedHashMap<>(out.meta().extras());
        Set<String> dropped = new HashSet<>();
        for (Map.Entry<String, List<OutputMeta.Contender>> e : out.contested().entrySet()) {
            List<OutputMeta.Contender> all = e.getValue();
            OutputMeta.Contender first = all.get(0);
            OutputMeta.Contender differing = all.stream()
                    .skip(1)
                    .filter(c -> !same(first.tensor(), c.tensor()))
                    .findFirst()
                    .orElse(null);
            if (differing == null) {
                extras.put(e.getKey(), first.tensor());
            } else {
                dropped.add(e.getKey());
                LOG.warning(
                        "extra tensor '" + e.getKey() + "' differs between '" + first.input() + "' (" + first.tensor()
                                + ") and '" + differing.input() + "' (" + differing.tensor()
                                + "): it cannot be combined and is "
                                + "left out of the result");
            }
        }
        AdapterMeta meta = out.meta().withExtras(extras);
        List<String> heads = meta.config().modulesToSave();
        List<String> gone = heads.stream()
                .filter(h -> dropped.stream().anyMatch(k -> belongs(k, h))
                        && extras.keySet().stream().noneMatch(k -> belongs(k, h)))
                .distinct()
                .toList();
        if (gone.isEmpty()) {
            return meta;
        }
        List<String> kept = heads.stream().filter(h -> !gone.contains(h)).toList();
        LOG.warning("modules_to_save entries " + gone + " lose every tensor in the result and leave modules_to_save");
        return meta.withConfig(meta.config().with(c -> {
            if (kept.isEmpty()) {
                c.putNull("modules_to_save");
            } else {
                ArrayNode list = c.putArray("modules_to_save");
                kept.forEach(list::add);
            }
        }));
    }

    /** Whether tensor {@code key} is part of module {@code head} (a whole run of the key's name segments). */
    private static boolean belongs(String key, String head) {
        return key.equals(head)
                || key.startsWith(head + ".")
                || key.endsWith("." + head)
                || key.contains("." + head + ".");
    }

    private static boolean same(TensorRef a, TensorRef b) {
        return a == b
                || a.dtype() == b.dtype()
                        && Arrays.equals(a.shape(), b.shape())
                        && a.read().contentEquals(b.read());
    }
}
