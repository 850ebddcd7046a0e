package org.loralgebra.stdlib.bench;

import java.util.Arrays;

/** Wall-clock times of the repetitions of one operation, after warm-up: median, min, max. */
public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int reps, int warmup) {
    /** Runs {@code op} {@code warmup} times untimed, then {@code reps} times timed. */
    public static Timing measure(Runnable op, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        double median = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        return new Timing(median, t[0], t[reps - 1], reps, warmup);
    }
}
