package org.loralgebra.exec.nd4j;

/**
 * The product of two small matrices (the r×r cores of factored operations) on Java arrays, each entry summed in
 * double in a fixed order: the same bits on every CPU. ND4J's {@code gemm} had a fixed cost (an op, a result array) of
 * 40 µs per r×r core product of the 7B adapter's spectrum (2-core AMD EPYC), against a few µs here.
 */
final class SmallProduct {
    /** Multiply-adds up to which {@link Nd4jBackend} computes a product here rather than by ND4J's {@code gemm}. */
    static final long LIMIT = 32 * 32 * 32;

    private SmallProduct() {}

    /**
     * x·y [m, n] row-major for x [m, k] and y [k, n] row-major. Its own method, apart from any array creation: C2
     * compiling such a loop with ND4J's array creation inlined next to it took up to 0.5 s (see
     * {@code Nd4jBackend.narrow}).
     */
    static double[] of(double[] xs, double[] ys, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double xip = xs[i * k + p];
                int row = p * n;
                int out = i * n;
                for (int j = 0; j < n; j++) {
                    c[out + j] += xip * ys[row + j];
                }
            }
        }
        return c;
    }
}
