package org.loralgebra.exec;

import java.util.Arrays;

/**
 * Products of a thin pair of row-major matrices on the host, in double precision: row i of {@code factor·B·A} is
 * the sum over k of {@code factor·B[i,k]} times row k of A, r AXPYs of length n that the JIT vectorizes. For the
 * rank r of a LoRA factor pair this is as fast as a BLAS call, and it writes any block of rows straight into a
 * Java array: every block is computed by the same arithmetic, so the values do not depend on the blocking.
 */
public final class RowMajorProduct {
    private RowMajorProduct() {}

    /**
     * Rows {@code [from, to)} of {@code factor·B·A} into {@code dst} (row-major, overwritten), from B [m, r] and
     * A [r, n] row-major.
     */
    public static void rows(int r, int n, double[] b, double[] a, double factor, int from, int to, double[] dst) {
        Arrays.fill(dst, 0, (to - from) * n, 0.0);
        for (int i = from; i < to; i++) {
            int row = (i - from) * n;
            for (int k = 0; k < r; k++) {
                double c = factor * b[i * r + k];
                if (c == 0) {
                    continue;
                }
                int at = k * n;
                for (int j = 0; j < n; j++) {
                    dst[row + j] += c * a[at + j];
                }
            }
        }
    }
}
