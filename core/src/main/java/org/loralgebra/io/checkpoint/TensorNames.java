package org.loralgebra.io.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.loralgebra.lang.LoraException;

/**
 * Which checkpoint tensor an adapter's name refers to. An adapter names modules as they are in the model it was
 * trained on ({@code distilbert.transformer.layer.0.attention.q_lin}, {@code transformer.h.0.attn.c_attn}); a
 * checkpoint of the same model may have been saved with or without the task head's wrapper, whose prefix
 * Transformers adds or strips on load ({@code base_model_prefix}: GPT-2's files say {@code h.0.attn.c_attn}).
 *
 * <p>For a name {@code M.P} (P the parameter, such as {@code weight}): the key {@code M.P} itself wins. Otherwise
 * every key that the adapter may mean is a candidate: each key ending in {@code .M.P} (the checkpoint has a wrapper
 * the adapter lacks), and {@code M.P} with leading components of M dropped, one at a time, but only components
 * before its layer index ({@code layer.1.q} must never find {@code layer.0.q}), or, for a name without a layer
 * index, its first component only ({@code transformer.wte} finds {@code wte}). One candidate is the answer; several
 * are an error naming each of them, never a guess.
 */
public final class TensorNames {
    private TensorNames() {}

    /**
     * The key of {@code keys} that {@code name} refers to, if any.
     *
     * @param keys     the checkpoint's tensor names (candidates are reported in their iteration order)
     * @param name     an adapter's name with its parameter, such as {@code module + ".weight"}
     * @param checkpoint where the keys are, for the message
     * @throws LoraException when several keys are candidates, naming each
     */
    public static Optional<String> resolve(Set<String> keys, String name, Path checkpoint) {
        if (keys.contains(name)) {
            return Optional.of(name);
        }
        List<String> candidates = new ArrayList<>();
        for (String key : keys) {
            if (key.endsWith("." + name)) {
                candidates.add(key);
            }
        }
        for (String shorter : shortenings(name)) {
            if (keys.contains(shorter) && !candidates.contains(shorter)) {
                candidates.add(shorter);
            }
        }
        if (candidates.size() > 1) {
            throw new LoraException(checkpoint + ": '" + name + "' matches several base weights " + candidates
                    + "; expected exactly one (cannot tell which of them the adapter updates)");
        }
        return candidates.stream().findFirst();
    }

    /**
     * {@code name} with leading components dropped, shortest drop first, as {@link #resolve} tries them: only
     * components before the layer index, or the first alone for a name without one; the last component (the
     * parameter) is never dropped.
     */
    public static List<String> shortenings(String name) {
        String[] parts = name.split("\\.");
        int module = parts.length - 1; // the last component is the parameter
        int droppable = 0;
        while (droppable < module && !isIndex(parts[droppable])) {
            droppable++;
        }
        if (droppable == module) {
            droppable = Math.min(1, module - 1);
        }
        List<String> out = new ArrayList<>();
        for (int drop = 1; drop <= droppable; drop++) {
            out.add(String.join(".", Arrays.copyOfRange(parts, drop, parts.length)));
        }
        return out;
    }

    /** What {@link #resolve} looked for, for a message when nothing matched. */
    static String tried(String name) {
        List<String> shorter = shortenings(name);
        return "looked for '" + name + "', keys ending in '." + name + "'"
                + (shorter.isEmpty()
                        ? ""
                        : shorter.size() == 1
                                ? " and '" + shorter.get(0) + "'"
                                : " and '" + shorter.get(0) + "' … '" + shorter.get(shorter.size() - 1) + "'");
    }

    private static boolean isIndex(String part) {
        return !part.isEmpty() && part.chars().allMatch(Character::isDigit);
    }
}
