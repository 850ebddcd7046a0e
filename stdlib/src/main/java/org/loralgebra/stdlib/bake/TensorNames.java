package org.loralgebra.stdlib.bake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which base tensor an adapter's name refers to. An adapter names modules as they are in the model it was
 * trained on ({@code distilbert.transformer.layer.0.attention.q_lin}, {@code transformer.h.0.attn.c_attn}); a
 * checkpoint of the same model may have been saved with or without the task head's wrapper, whose prefix
 * Transformers adds or strips on load ({@code base_model_prefix}: GPT-2's files say {@code h.0.attn.c_attn}).
 * We try, in order: the name itself; the name without its first component (the base was saved without the
 * wrapper); the one tensor whose name ends with {@code "." + name} (the base has a wrapper the adapter lacks).
 * Two candidates in the last step is an error naming them.
 */
final class TensorNames {
    private TensorNames() {
    }

    /** The base tensor for {@code name} (such as {@code module + ".weight"}), if any. */
    static Optional<String> resolve(BaseModel base, String name) {
        if (base.has(name)) {
            return Optional.of(name);
        }
        int dot = name.indexOf('.');
        if (dot > 0 && base.has(name.substring(dot + 1))) {
            return Optional.of(name.substring(dot + 1));
        }
        List<String> suffixed = new ArrayList<>();
        for (String t : base.tensorNames()) {
            if (t.endsWith("." + name) && t.indexOf('.') == t.length() - name.length() - 1) {
                suffixed.add(t);
            }
        }
        if (suffixed.size() > 1) {
            throw new org.loralgebra.LoraException("'" + name + "' matches several base tensors " + suffixed
                    + " in " + base.dir() + ": cannot tell which one the adapter updates");
        }
        return suffixed.stream().findFirst();
    }

    /** What {@link #resolve} tries, for messages. */
    static String tried(String name) {
        int dot = name.indexOf('.');
        return "'" + name + "'" + (dot > 0 ? ", '" + name.substring(dot + 1) + "'" : "") + " or '<prefix>." + name + "'";
    }
}
