package org.loralgebra.stdlib.analysis;

import java.util.Locale;

/** A measure of how two updates of a module interfere when merged (see {@link PairInterference}). */
public enum InterferenceMeasure {
    /** Cosine of the flattened updates, in [−1, 1]. */
    COSINE("cosine of updates"),
    /** Share of entries with opposite signs, in [0, 1]. */
    SIGN_CONFLICT("sign-conflict share"),
    /** Overlap φ(k, k) of the top output (left) subspaces, in [0, 1]. */
    OUTPUT_OVERLAP("output-subspace overlap φ"),
    /** Overlap φ(k, k) of the top input (right) subspaces, in [0, 1]. */
    INPUT_OVERLAP("input-subspace overlap φ");

    private final String title;

    InterferenceMeasure(String title) {
        this.title = title;
    }

    /** A title for axes and legends. */
    public String title() {
        return title;
    }

    /** The JSON key, such as {@code sign_conflict}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
