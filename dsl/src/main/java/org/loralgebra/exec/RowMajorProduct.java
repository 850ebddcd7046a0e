package org.loralgebra.exec;

/**
 * The product of a thin pair of row-major matrices on the host, in double precision: row i of {@code factor·B·A}
 * is the sum over k of {@code factor·B[i,k]} times row k of A, r AXPYs of length n that the JIT vectorizes. For the
 * rank r of a LoRA factor pair this is as fast as a BLAS call and writes straight into a Java array.
 */
final class RowMajorProduct {
    private RowMajorProduct() {
    }

    /** {@code factor·B·A} [m, n] row-major, from B [m, r] and A [r, n] row-major. */
    static double[] of(int m, int r, int n, double[] b, double[] a, double factor) {
        double[] out = new double[Math.multiplyExact(m, n)];
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int k = 0; k < r; k++) {
                double c = factor * b[i * r + k];
                if (c == 0) {
                    continue;
                }
                int from = k * n;
                for (int j = 0; j < n; j++) {
                    out[row + j] += c * a[from + j];
                }
            }
        }
        return out;
    }
}
