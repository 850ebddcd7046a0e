package org.loralgebra.stdlib.analysis;

import java.util.Locale;

/**
 * How two updates of one module interfere (adapters given by their index in the analysis):
 *
 * @param first         index of the first adapter
 * @param second        index of the second adapter (greater than {@code first})
 * @param cosine        {@code ⟨ΔW₁, ΔW₂⟩_F / (‖ΔW₁‖_F‖ΔW₂‖_F)}, the cosine of the flattened updates (NaN if one is zero)
 * @param signConflict  the share of entries, among those where both are non-zero, whose signs differ
 * @param outputOverlap {@code φ(k, k)} of the left singular vectors, k the smaller rank (1: same column space)
 * @param inputOverlap  {@code φ(k, k)} of the right singular vectors
 */
public record PairInterference(
        int first, int second, double cosine, double signConflict, double outputOverlap, double inputOverlap) {
    /** The value of one measure. */
    public double get(InterferenceMeasure measure) {
        return switch (measure) {
            case COSINE -> cosine;
            case SIGN_CONFLICT -> signConflict;
            case OUTPUT_OVERLAP -> outputOverlap;
            case INPUT_OVERLAP -> inputOverlap;
        };
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "(%d, %d): cos %.4f, sign conflict %.3f, overlap out %.3f in %.3f",
                first,
                second,
                cosine,
                signConflict,
                outputOverlap,
                inputOverlap);
    }
}
