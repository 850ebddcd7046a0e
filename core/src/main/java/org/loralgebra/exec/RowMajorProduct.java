package org.loralgebra.exec;

import java.util.Arrays;

/**
 * Products of a thin pair of row-major matrices on the host, in double precision: row i of {@code factor·B·A} is
 * the sum over k of {@code factor·B[i,k]} times row k of A, r AXPYs of length n that the JIT vectorizes. For the
 * rank r of a LoRA factor pair this is as fast as a BLAS call, and it writes any block of rows straight into a
 * Java array: every block is computed by the same arithmetic, so the values do not depend on the blocking. Four AXPYs are
 * fused into one pass over the row (the same additions in the same order, so the same bits), which makes the loop
 * bound by arithmetic rather than by loading and storing the row r times.
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
            int k = 0;
            for (; k + 4 <= r; k += 4) {
                double c0 = factor * b[i * r + k];
                double c1 = factor * b[i * r + k + 1];
                double c2 = factor * b[i * r + k + 2];
                double c3 = factor * b[i * r + k + 3];
                if (c0 == 0 || c1 == 0 || c2 == 0 || c3 == 0) {
                    for (int q = k; q < k + 4; q++) {
                        axpy(factor * b[i * r + q], a, q * n, dst, row, n);
                    }
                    continue;
                }
                int a0 = k * n;
                int a1 = a0 + n;
                int a2 = a1 + n;
                int a3 = a2 + n;
                // evaluated left to right: the same roundings as four AXPYs, one load and store of dst instead of four
                for (int j = 0; j < n; j++) {
                    dst[row + j] = dst[row + j] + c0 * a[a0 + j] + c1 * a[a1 + j] + c2 * a[a2 + j] + c3 * a[a3 + j];
                }
            }
            for (; k < r; k++) {
                axpy(factor * b[i * r + k], a, k * n, dst, row, n);
            }
        }
    }

    /** {@code dst[at, at + n) += c·a[from, from + n)}; nothing when c is 0 (a zero factor adds nothing). */
    private static void axpy(double c, double[] a, int from, double[] dst, int at, int n) {
        if (c == 0) {
            return;
        }
        for (int j = 0; j < n; j++) {
            dst[at + j] += c * a[from + j];
        }
    }
}
