package org.loralgebra.stdlib.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;

/**
 * What this machine does at best, measured at the start of a benchmark run, for the distance of each operation from
 * its physical limit: memory bandwidth (bytes moved per second by {@code System.arraycopy} of 128 MiB arrays on every
 * core, counting each byte read and each byte written, as STREAM's copy does) and the peak rate of floating-point
 * work (a 2048×2048×2048 product on the backend with every core, 2·n³ flops).
 *
 * @param bytesPerSecond memory bandwidth, read plus write
 * @param flopsPerSecond the backend's product rate
 * @param flopsHow how the flop rate was measured, for the report
 */
public record MachineLimits(double bytesPerSecond, double flopsPerSecond, String flopsHow) {
    private static final int COPY_BYTES = 128 << 20;
    private static final int GEMM_N = 2048;

    /** Measures both rates: best of five copies, best of three products after one warm-up (about two seconds). */
    public static MachineLimits measure(Backend backend) {
        return new MachineLimits(
                copyBandwidth(),
                productRate(backend),
                backend.name() + " " + GEMM_N + "³ product, " + backend.precision() + ", "
                        + Runtime.getRuntime().availableProcessors() + " threads");
    }

    /** The time an operation moving {@code bytes} and doing {@code flops} needs at best: max of the two (roofline). */
    public double seconds(OpWork work) {
        return Math.max(work.bytes() / bytesPerSecond, work.flops() / flopsPerSecond);
    }

    static double copyBandwidth() {
        int threads = Runtime.getRuntime().availableProcessors();
        int per = COPY_BYTES / 8 / threads;
        long[][] src = new long[threads][per];
        long[][] dst = new long[threads][per];
        for (long[] s : src) {
            Arrays.fill(s, 1L);
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 6; rep++) {
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int i = t;
                Thread w = new Thread(() -> System.arraycopy(src[i], 0, dst[i], 0, per), "lora-bench-copy-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                join(w);
            }
            double s = (System.nanoTime() - start) / 1e9;
            if (rep > 0) {
                best = Math.min(best, s);
            }
        }
        return 2.0 * per * 8 * threads / best;
    }

    static double productRate(Backend backend) {
        Random random = new Random(1);
        double[] values = new double[GEMM_N * GEMM_N];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() - 0.5;
        }
        backend.useOperationThreads(Runtime.getRuntime().availableProcessors());
        Matrix a = backend.fromRowMajor(GEMM_N, GEMM_N, values);
        Matrix b = backend.fromRowMajor(GEMM_N, GEMM_N, values);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 4; rep++) {
            long start = System.nanoTime();
            backend.matmul(a, false, b, false);
            double s = (System.nanoTime() - start) / 1e9;
            if (rep > 0) {
                best = Math.min(best, s);
            }
        }
        return 2.0 * GEMM_N * GEMM_N * (double) GEMM_N / best;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        }
    }
}
