package org.loralgebra.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.TensorRef;

/**
 * What a result carries besides its modules, for saving: format, config template, key prefix, file metadata
 * and extra (non-LoRA) tensors. Unary operations keep their input's; combinations take the first input's
 * and the union of the extras: an extra tensor present in several inputs is kept when they hold the same
 * bytes and dropped, with a warning naming it, when they differ (two classifier heads cannot be summed). A
 * {@code modules_to_save} entry whose tensors were all dropped leaves the config's list too (null when none is left):
 * PEFT would otherwise wrap that module and, finding no weights for it, keep a freshly initialised head.
 */
public final class OutputMeta {
    private static final Logger LOG = Logger.getLogger("org.loralgebra");

    private OutputMeta() {
    }

    /** The meta of a node's result. */
    public static AdapterMeta of(Node node) {
        if (node instanceof Load l) {
            return l.source().meta();
        }
        if (node instanceof WithBaseModel w) {
            AdapterMeta in = of(w.input());
            return in.withConfig(in.config().with(c -> c.put("base_model_name_or_path", w.baseModel())));
        }
        List<Node> inputs = node instanceof Project p ? List.of(p.input()) : node.children();
        if (inputs.size() == 1) {
            return of(inputs.get(0));
        }
        AdapterMeta first = of(inputs.get(0));
        Map<String, TensorRef> extras = new LinkedHashMap<>(first.extras());
        Map<String, String> from = new LinkedHashMap<>();
        first.extras().keySet().forEach(k -> from.put(k, inputs.get(0).label()));
        java.util.Set<String> dropped = new java.util.HashSet<>();
        for (Node in : inputs.subList(1, inputs.size())) {
            for (Map.Entry<String, TensorRef> e : of(in).extras().entrySet()) {
                TensorRef seen = extras.get(e.getKey());
                if (dropped.contains(e.getKey())) {
                    continue;
                }
                if (seen == null) {
                    extras.put(e.getKey(), e.getValue());
                    from.put(e.getKey(), in.label());
                } else if (!sameTensor(seen, e.getValue())) {
                    LOG.warning("extra tensor '" + e.getKey() + "' differs between '" + from.get(e.getKey()) + "' ("
                            + seen + ") and '" + in.label() + "' (" + e.getValue() + "): it cannot be combined and is "
                            + "left out of the result");
                    extras.remove(e.getKey());
                    dropped.add(e.getKey());
                }
            }
        }
        AdapterMeta out = first.withExtras(extras);
        List<String> heads = out.config().modulesToSave();
        List<String> gone = heads.stream().filter(h -> dropped.stream().anyMatch(k -> belongs(k, h))
                && extras.keySet().stream().noneMatch(k -> belongs(k, h))).distinct().toList();
        if (!gone.isEmpty()) {
            List<String> kept = heads.stream().filter(h -> !gone.contains(h)).toList();
            LOG.warning("modules_to_save entries " + gone + " lose every tensor in the result and leave modules_to_save");
            out = out.withConfig(out.config().with(c -> {
                if (kept.isEmpty()) {
                    c.putNull("modules_to_save");
                } else {
                    ArrayNode list = c.putArray("modules_to_save");
                    kept.forEach(list::add);
                }
            }));
        }
        return out;
    }

    /** Whether tensor {@code key} is part of module {@code head} (a whole run of the key's name segments). */
    private static boolean belongs(String key, String head) {
        return key.equals(head) || key.startsWith(head + ".") || key.endsWith("." + head) || key.contains("." + head + ".");
    }

    private static boolean sameTensor(TensorRef a, TensorRef b) {
        return a == b || a.dtype() == b.dtype() && Arrays.equals(a.shape(), b.shape()) && a.read().contentEquals(b.read());
    }
}
