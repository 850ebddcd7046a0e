package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.OptionalInt;
import org.loralgebra.graph.ModuleFilter;

/**
 * Where a module sits in the model, read from its name: the layer index (the first all-digit dotted component,
 * as {@link ModuleFilter#layerOf} reads it) and the module type (the components after that index, such as
 * {@code attention.q_lin} or {@code mlp.c_proj}; the whole name when there is no layer index). Analyses group
 * and plot modules by these two coordinates.
 */
public record ModuleName(String module, OptionalInt layer, String type) {
    /** Parses a module name such as {@code transformer.h.3.attn.c_attn} (layer 3, type {@code attn.c_attn}). */
    public static ModuleName of(String module) {
        OptionalInt layer = ModuleFilter.layerOf(module);
        if (layer.isEmpty()) {
            return new ModuleName(module, layer, module);
        }
        String[] parts = module.split("\\.");
        int i = 0;
        while (parts[i].isEmpty() || !parts[i].chars().allMatch(Character::isDigit)) {
            i++;
        }
        String type = String.join(".", Arrays.copyOfRange(parts, i + 1, parts.length));
        return new ModuleName(module, layer, type.isEmpty() ? module : type);
    }

    /** The layer index, or −1 when the name has none. */
    public int layerOrMinusOne() {
        return layer.orElse(-1);
    }
}
