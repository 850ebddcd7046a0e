package org.loralgebra.stdlib.lab;

import java.util.SplittableRandom;

/**
 * The seeded order in which a training run visits its examples: before each epoch the order left by the previous
 * epoch (at first 0, 1, …, n−1) is shuffled in place by Fisher–Yates with the run's generator (for i = n−1 down to
 * 1, swap i with {@code rnd.nextInt(i + 1)}), then cut into consecutive batches of {@code batch} examples, the last
 * one shorter where n is not a multiple. The same generator state gives the same batches, bit for bit.
 */
final class MiniBatches {
    /** One training step on the examples {@code order[from]}, …, {@code order[from + size − 1]}. */
    @FunctionalInterface
    interface Step {
        /** Takes the step on one batch. */
        void take(int[] order, int from, int size);
    }

    private MiniBatches() {}

    /**
     * Runs {@code epochs} passes over {@code n} examples in batches of {@code batch}, drawing each epoch's shuffle
     * from {@code rnd}; {@code progress} hears of each epoch done.
     */
    static void run(int n, int epochs, int batch, SplittableRandom rnd, Step step, Progress progress) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int e = 0; e < epochs; e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < n; from += batch) {
                step.take(order, from, Math.min(batch, n - from));
            }
            progress.advanced(e + 1, epochs);
        }
    }
}
