package org.loralgebra.hub;

import org.loralgebra.Adapter;

/**
 * The reference for the hub's pair cosine, from the dense updates (never from the factors the hub uses):
 * Σₘ⟨ΔW₁ₘ, ΔW₂ₘ⟩ / √(Σₘ‖ΔW₁ₘ‖² Σₘ‖ΔW₂ₘ‖²) over {@code a}'s modules.
 */
final class DenseCosine {
    private DenseCosine() {}

    static double of(Adapter a, Adapter b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (String m : a.modules()) {
            double[] x = a.dense(m).toArray();
            double[] y = b.dense(m).toArray();
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * y[i];
                aa += x[i] * x[i];
                bb += y[i] * y[i];
            }
        }
        return dot / Math.sqrt(aa * bb);
    }
}
