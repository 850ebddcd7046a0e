package org.loralgebra.stdlib.bake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.loralgebra.lang.LoraException;

/**
 * Which base tensor an adapter's name refers to. An adapter names modules as they are in the model it was
 * trained on ({@code distilbert.transformer.layer.0.attention.q_lin}, {@code transformer.h.0.attn.c_attn}); a
 * checkpoint of the same model may have been saved with or without the task head's wrapper, whose prefix
 * Transformers adds or strips on load ({@code base_model_prefix}: GPT-2's files say {@code h.0.attn.c_attn}).
 * For a name {@code M.P} (P the parameter, such as {@code weight}) we try, in order: {@code M.P} itself; the one
 * key ending in {@code .M.P} (the base has a wrapper the adapter lacks); {@code M.P} with leading components of M
 * dropped, one at a time, but only components before its layer index ({@code layer.1.q} must never find
 * {@code layer.0.q}), or, for a name without a layer index, its first component only. This is the rule
 * {@code lora analyze intruders} uses (org.loralgebra.stdlib.analysis.BaseModel), so both verbs find the same
 * weights. Several keys ending in {@code .M.P} is an error naming them, never a guess.
 */
final class TensorNames {
    private TensorNames() {
    }

    /** The base tensor for {@code name} (such as {@code module + ".weight"}), if any. */
    static Optional<String> resolve(BaseModel base, String name) {
        if (base.has(name)) {
            return Optional.of(name);
        }
        List<String> suffixed = new ArrayList<>();
        for (String t : base.tensorNames()) {
            if (t.endsWith("." + name)) {
                suffixed.add(t);
            }
        }
        if (suffixed.size() > 1) {
            throw new LoraException("'" + name + "' matches several base tensors " + suffixed + " in " + base.dir()
                    + ": cannot tell which one the adapter updates");
        }
        if (suffixed.size() == 1) {
            return Optional.of(suffixed.get(0));
        }
        String[] parts = name.split("\\.");
        int module = parts.length - 1; // the last component is the parameter
        int droppable = 0;
        while (droppable < module && !isIndex(parts[droppable])) {
            droppable++;
        }
        if (droppable == module) {
            droppable = Math.min(1, module - 1);
        }
        for (int drop = 1; drop <= droppable; drop++) {
            String shorter = String.join(".", Arrays.copyOfRange(parts, drop, parts.length));
            if (base.has(shorter)) {
                return Optional.of(shorter);
            }
        }
        return Optional.empty();
    }

    private static boolean isIndex(String part) {
        return !part.isEmpty() && part.chars().allMatch(Character::isDigit);
    }
}
