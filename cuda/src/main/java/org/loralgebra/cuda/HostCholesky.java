package org.loralgebra.cuda;

/**
 * The n×n host work of CholeskyQR ({@link BatchedSolver#qr}), in double: the upper Cholesky factor of a Gram matrix,
 * the inverse of an upper triangular matrix, their product, and a bound on the condition number. Row-major results;
 * n is a LoRA rank (tens), so this is microseconds beside the device's m×n products.
 */
final class HostCholesky {
    private HostCholesky() {}

    /**
     * R [n, n] upper triangular, row-major, with RᵀR = G, from the upper triangle of the column-major symmetric G at
     * {@code offset} of {@code g} (element (i, j) at {@code offset + j·n + i}); null when a pivot is not positive and
     * finite (G not numerically positive definite).
     */
    static double[] upper(double[] g, int offset, int n) {
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            double pivot = g[offset + j * n + j];
            for (int k = 0; k < j; k++) {
                pivot -= r[k * n + j] * r[k * n + j];
            }
            if (!(pivot > 0) || !Double.isFinite(pivot)) {
                return null;
            }
            double d = Math.sqrt(pivot);
            r[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double s = g[offset + i * n + j]; // (j, i) of the upper triangle, column-major
                for (int k = 0; k < j; k++) {
                    s -= r[k * n + j] * r[k * n + i];
                }
                r[j * n + i] = s / d;
            }
        }
        return r;
    }

    /** R⁻¹ of an upper triangular row-major R with a non-zero diagonal (upper triangular, row-major). */
    static double[] inverseUpper(double[] r, int n) {
        double[] x = new double[n * n];
        for (int j = 0; j < n; j++) {
            x[j * n + j] = 1 / r[j * n + j];
            for (int i = j - 1; i >= 0; i--) {
                double s = 0;
                for (int k = i + 1; k <= j; k++) {
                    s += r[i * n + k] * x[k * n + j];
                }
                x[i * n + j] = -s / r[i * n + i];
            }
        }
        return x;
    }

    /** X·Y of two upper triangular row-major matrices (upper triangular; the zeros below stay exact). */
    static double[] productUpper(double[] x, double[] y, int n) {
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = i; k <= j; k++) {
                    s += x[i * n + k] * y[k * n + j];
                }
                p[i * n + j] = s;
            }
        }
        return p;
    }

    /** ‖R‖_F·‖R⁻¹‖_F: an upper bound on the 2-norm condition number of R (within a factor n of it). */
    static double conditionBound(double[] r, double[] inverse) {
        return Math.sqrt(sumOfSquares(r) * sumOfSquares(inverse));
    }

    private static double sumOfSquares(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
