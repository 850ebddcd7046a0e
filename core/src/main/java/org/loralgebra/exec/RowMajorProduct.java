package org.loralgebra.exec;

import java.util.Arrays;

/**
 * The product {@code factor·B·A} of a thin pair of row-major matrices, B [m, r] and A [r, n], formed row by row on
 * the host in double precision: row i is the sum over k of {@code factor·B[i,k]} times row k of A, r AXPYs of length
 * n. Every row is computed by the same arithmetic, so the values do not depend on which rows are asked for together.
 *
 * <p>Two facts of the JIT make this fast. Four AXPYs are fused into one pass over the row (the same additions in the
 * same order, so the same bits), which makes the loop bound by arithmetic rather than by loading and storing the row r
 * times. And the loop is written over arrays indexed from 0 (each row of A its own array, the output row a scratch
 * array): C2 vectorizes that form, and not the same loop over offsets into one array (12 against 4.7 GFLOP/s on one
 * thread of a Xeon with AVX-512, 4096 columns, r = 16).
 */
public final class RowMajorProduct {
    private final int rank;
    private final int cols;
    private final double[] b;
    private final double[][] aRows;
    private final double factor;

    private RowMajorProduct(int rank, int cols, double[] b, double[][] aRows, double factor) {
        this.rank = rank;
        this.cols = cols;
        this.b = b;
        this.aRows = aRows;
        this.factor = factor;
    }

    /**
     * The product {@code factor·B·A} of B [m, r] and A [r, n], both row-major. A's rows are copied once; B is read,
     * not copied, so it must not change while the product is used.
     */
    public static RowMajorProduct of(int r, int n, double[] b, double[] a, double factor) {
        if (r < 0 || n < 0 || a.length != (long) r * n || (r == 0 ? b.length != 0 : b.length % r != 0)) {
            throw new IllegalArgumentException("RowMajorProduct: A must hold " + r + "x" + n + " values and B rows of "
                    + r + ", got " + a.length + " and " + b.length);
        }
        double[][] rows = new double[r][];
        for (int k = 0; k < r; k++) {
            rows[k] = Arrays.copyOfRange(a, k * n, (k + 1) * n);
        }
        return new RowMajorProduct(r, n, b, rows, factor);
    }

    /** The number of columns n of each row. */
    public int cols() {
        return cols;
    }

    /** Row i of the product into {@code dst[0, n)} (overwritten). */
    public void row(int i, double[] dst) {
        Arrays.fill(dst, 0, cols, 0.0);
        int at = i * rank;
        int k = 0;
        for (; k + 4 <= rank; k += 4) {
            double c0 = factor * b[at + k];
            double c1 = factor * b[at + k + 1];
            double c2 = factor * b[at + k + 2];
            double c3 = factor * b[at + k + 3];
            if (c0 == 0 || c1 == 0 || c2 == 0 || c3 == 0) {
                for (int q = k; q < k + 4; q++) {
                    axpy(factor * b[at + q], aRows[q], dst, cols);
                }
            } else {
                fusedAxpy4(c0, aRows[k], c1, aRows[k + 1], c2, aRows[k + 2], c3, aRows[k + 3], dst, cols);
            }
        }
        for (; k < rank; k++) {
            axpy(factor * b[at + k], aRows[k], dst, cols);
        }
    }

    /** Rows {@code [from, to)} of the product into {@code dst} (row-major, the first {@code (to − from)·n} values). */
    public void rows(int from, int to, double[] dst) {
        double[] row = new double[cols];
        for (int i = from; i < to; i++) {
            row(i, row);
            System.arraycopy(row, 0, dst, (i - from) * cols, cols);
        }
    }

    /**
     * Rows {@code [from, to)} of {@code factor·B·A} into {@code dst} (row-major, overwritten), from B [m, r] and
     * A [r, n] row-major: {@link #of}{@code (r, n, b, a, factor).rows(from, to, dst)}.
     */
    public static void rows(int r, int n, double[] b, double[] a, double factor, int from, int to, double[] dst) {
        of(r, n, b, a, factor).rows(from, to, dst);
    }

    /** {@code y = y + c0·x0 + c1·x1 + c2·x2 + c3·x3}, left to right: the roundings of four AXPYs in order. */
    private static void fusedAxpy4(
            double c0,
            double[] x0,
            double c1,
            double[] x1,
            double c2,
            double[] x2,
            double c3,
            double[] x3,
            double[] y,
            int n) {
        for (int j = 0; j < n; j++) {
            y[j] = y[j] + c0 * x0[j] + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];
        }
    }

    /** {@code y[0, n) += c·x[0, n)}; nothing when c is 0 (a zero factor adds nothing). */
    private static void axpy(double c, double[] x, double[] y, int n) {
        if (c == 0) {
            return;
        }
        for (int j = 0; j < n; j++) {
            y[j] += c * x[j];
        }
    }
}
