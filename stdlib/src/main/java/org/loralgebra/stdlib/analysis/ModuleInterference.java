package org.loralgebra.stdlib.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The interference of the adapters that have one module.
 *
 * @param name         the module
 * @param present      the indices of the adapters that have it, ascending
 * @param pairs        one entry per pair of them
 * @param signConflict among entries where at least two updates are non-zero, the share where their signs are not
 *                     all equal (N-way; equals the pair's share for two adapters)
 */
public record ModuleInterference(
        ModuleName name, List<Integer> present, List<PairInterference> pairs, double signConflict) {
    public ModuleInterference {
        present = List.copyOf(present);
        pairs = List.copyOf(pairs);
    }

    /** The module's name. */
    public String module() {
        return name.module();
    }

    /** The pair (p, q) in either order, if both adapters have the module. */
    public Optional<PairInterference> pair(int p, int q) {
        int a = Math.min(p, q);
        int b = Math.max(p, q);
        return pairs.stream().filter(x -> x.first() == a && x.second() == b).findFirst();
    }

    /** The mean of a measure over this module's pairs (NaN values skipped; NaN when none is left). */
    public double mean(InterferenceMeasure measure) {
        return pairs.stream()
                .mapToDouble(p -> p.get(measure))
                .filter(Double::isFinite)
                .average()
                .orElse(Double.NaN);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: mean cos %.4f, sign conflict %.3f, overlap out %.3f in %.3f",
                module(),
                mean(InterferenceMeasure.COSINE),
                signConflict,
                mean(InterferenceMeasure.OUTPUT_OVERLAP),
                mean(InterferenceMeasure.INPUT_OVERLAP));
    }
}
