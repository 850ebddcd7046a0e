package org.loralgebra.stdlib.lab;

import java.util.SplittableRandom;

/** Seeded initial values of a training run, drawn uniformly from a symmetric interval. */
final class UniformValues {
    private UniformValues() {}

    /** n floats (float)((u·2 − 1)·bound), u = {@code rnd.nextDouble()} drawn in order: uniform in ±bound. */
    static float[] of(SplittableRandom rnd, int n, double bound) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return out;
    }
}
