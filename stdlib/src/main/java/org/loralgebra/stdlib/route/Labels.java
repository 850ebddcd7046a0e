package org.loralgebra.stdlib.route;

import org.loralgebra.lang.LoraException;

/** Checks of per-token expert labels, shared by prototype centroids and gate fitting. */
final class Labels {
    private Labels() {}

    /** Validates labels: one per token, each in {@code [0, experts)}, every expert present. */
    static long[] counts(int[] labels, int tokens, int experts, String what) {
        if (experts < 1) {
            throw new LoraException(what + ": need at least one expert, got " + experts);
        }
        if (labels.length != tokens) {
            throw new LoraException(what + ": " + labels.length + " labels for " + tokens + " tokens");
        }
        long[] counts = new long[experts];
        for (int t = 0; t < labels.length; t++) {
            if (labels[t] < 0 || labels[t] >= experts) {
                throw new LoraException(what + ": token " + t + " is labelled " + labels[t]
                        + ", expected an expert in [0, " + experts + ")");
            }
            counts[labels[t]]++;
        }
        for (int e = 0; e < experts; e++) {
            if (counts[e] == 0) {
                throw new LoraException(what + ": no token is labelled with expert " + e);
            }
        }
        return counts;
    }

    /** The row-major one-hot matrix [experts, tokens] of valid labels. */
    static float[] oneHotByLabel(int[] labels, int tokens, int experts, String what) {
        counts(labels, tokens, experts, what);
        float[] m = new float[experts * tokens];
        for (int t = 0; t < tokens; t++) {
            m[labels[t] * tokens + t] = 1f;
        }
        return m;
    }
}
