package org.loralgebra.exec.nd4j;

import java.util.Random;

/**
 * How far a computed factorization or product is from what it claims, measured in plain Java (no BLAS, so that a
 * wrong library cannot vouch for itself). Each measure is zero in exact arithmetic and a small multiple of the unit
 * round-off for a right result.
 *
 * <p>Identities between matrices are checked Freivalds-style, on a few seeded Gaussian probe vectors x: {@code QᵀQ = I}
 * as {@code Qᵀ(Q·x) = x}, {@code A = U·S·Vᵀ} as {@code A·x = U·(S·(Vᵀ·x))}, and so on. A probe costs one product
 * with each factor (O(mn) instead of the O(mnk) of forming the products), and for a wrong factorization E ≠ 0 the
 * probe sees ‖E·x‖ > 0 with probability one ({@code E[‖E·x‖²] = ‖E‖²_F}). Matrices are column-major {@code double}
 * arrays.
 */
final class Residuals {
    /** Probe vectors per identity. */
    static final int PROBES = 3;

    private static final long SEED = 0x5EEDL;

    private Residuals() {}

    /** {@code max_x ‖Qᵀ(Q·x) − x‖ / ‖x‖}: zero when the k columns of the column-major m×k matrix q are orthonormal. */
    static double orthonormalColumns(double[] q, int m, int k) {
        double worst = 0;
        for (double[] x : probes(k)) {
            double[] back = multiply(q, m, k, true, multiply(q, m, k, false, x));
            worst = Math.max(worst, distance(back, x) / norm(x));
        }
        return worst;
    }

    /** {@link #orthonormalColumns} of the rows of the column-major k×n matrix vt (the rows of Vᵀ are V's columns). */
    static double orthonormalRows(double[] vt, int k, int n) {
        return orthonormalColumns(transpose(vt, k, n), n, k);
    }

    /**
     * {@code max_x ‖A·x − U·(S·(Vᵀ·x))‖ / (‖A‖_F·‖x‖)} for column-major A (m×n), U (m×k) and Vᵀ (k×n): zero when
     * {@code A = U·diag(s)·Vᵀ}.
     */
    static double svdReconstruction(double[] a, int m, int n, double[] u, double[] s, double[] vt, int k) {
        double worst = 0;
        for (double[] x : probes(n)) {
            double[] y = multiply(vt, k, n, false, x);
            for (int l = 0; l < k; l++) {
                y[l] *= s[l];
            }
            worst = Math.max(
                    worst,
                    distance(multiply(a, m, n, false, x), multiply(u, m, k, false, y)) / (frobenius(a) * norm(x)));
        }
        return worst;
    }

    /**
     * {@code max_c ‖A·(V·c) − U·(S·c)‖ / (σ₁·‖c‖)} over probes c of length k, for k triplets of column-major A (m×n):
     * zero when each column pair is a singular triplet {@code A·v_l = σ_l·u_l} (what a top-k SVD must give).
     */
    static double tripletResidual(double[] a, int m, int n, double[] u, double[] s, double[] vt, int k) {
        double worst = 0;
        for (double[] c : probes(k)) {
            double[] av = multiply(a, m, n, false, multiply(vt, k, n, true, c));
            double[] sc = new double[k];
            for (int l = 0; l < k; l++) {
                sc[l] = s[l] * c[l];
            }
            worst = Math.max(worst, distance(av, multiply(u, m, k, false, sc)) / (s[0] * norm(c)));
        }
        return worst;
    }

    /** How far {@code s} is from descending and non-negative: the largest rise or negative value, relative to s[0]. */
    static double descendingNonNegative(double[] s) {
        double worst = 0;
        for (int i = 0; i < s.length; i++) {
            worst = Math.max(worst, -s[i]);
            if (i > 0) {
                worst = Math.max(worst, s[i] - s[i - 1]);
            }
        }
        return s.length == 0 || s[0] == 0 ? worst : worst / s[0];
    }

    /** {@code max_i |x_i − y_i| / max_i |y_i|}. */
    static double relativeMaxDifference(double[] x, double[] y) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < y.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
            scale = Math.max(scale, Math.abs(y[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }

    /**
     * {@code max_x ‖A·x − Q·(R·x)‖ / (‖A‖_F·‖x‖)} for column-major A (m×n), Q (m×k) and R (k×n), plus the largest
     * entry of R below its diagonal relative to ‖A‖_F (R must be upper triangular).
     */
    static double qrReconstruction(double[] a, int m, int n, double[] q, double[] r, int k) {
        double fa = frobenius(a);
        double lower = 0;
        for (int j = 0; j < n; j++) {
            for (int i = j + 1; i < k; i++) {
                lower = Math.max(lower, Math.abs(r[i + j * k]));
            }
        }
        double worst = 0;
        for (double[] x : probes(n)) {
            double[] qrx = multiply(q, m, k, false, multiply(r, k, n, false, x));
            worst = Math.max(worst, distance(multiply(a, m, n, false, x), qrx) / (fa * norm(x)));
        }
        return worst + lower / fa;
    }

    /** {@code max_c ‖S·(V·c) − V·(Λ·c)‖ / (max|λ|·‖c‖)} for the symmetric n×n S and its eigenvectors (columns of v). */
    static double eigenResidual(double[] sym, int n, double[] lambda, double[] v) {
        double scale = 0;
        for (double l : lambda) {
            scale = Math.max(scale, Math.abs(l));
        }
        double worst = 0;
        for (double[] c : probes(n)) {
            double[] lc = new double[n];
            for (int l = 0; l < n; l++) {
                lc[l] = lambda[l] * c[l];
            }
            double d = distance(multiply(sym, n, n, false, multiply(v, n, n, false, c)), multiply(v, n, n, false, lc));
            worst = Math.max(worst, d / ((scale == 0 ? 1 : scale) * norm(c)));
        }
        return worst;
    }

    /**
     * {@code max_x ‖C·x − A·(B·x)‖ / (‖A‖_F·‖B‖_F·‖x‖)} for column-major A (m×l), B (l×n), C (m×n): zero when C = A·B
     * (Freivalds' check of a product).
     */
    static double productResidual(double[] c, double[] a, double[] b, int m, int l, int n) {
        double worst = 0;
        for (double[] x : probes(n)) {
            double d = distance(multiply(c, m, n, false, x), multiply(a, m, l, false, multiply(b, l, n, false, x)));
            worst = Math.max(worst, d / (frobenius(a) * frobenius(b) * norm(x)));
        }
        return worst;
    }

    /** The column-major n×m transpose of the column-major m×n matrix a. */
    static double[] transpose(double[] a, int m, int n) {
        double[] t = new double[a.length];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                t[j + i * n] = a[i + j * m];
            }
        }
        return t;
    }

    /** op(A)·x for the column-major m×n matrix A; op transposes when asked. */
    static double[] multiply(double[] a, int m, int n, boolean transposed, double[] x) {
        double[] y = new double[transposed ? n : m];
        for (int j = 0; j < n; j++) {
            int col = j * m;
            if (transposed) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += a[col + i] * x[i];
                }
                y[j] = dot;
            } else {
                double xj = x[j];
                for (int i = 0; i < m; i++) {
                    y[i] += a[col + i] * xj;
                }
            }
        }
        return y;
    }

    /** The seeded Gaussian probe vectors of length n (the same every call). */
    static double[][] probes(int n) {
        Random rnd = new Random(SEED + n);
        double[][] out = new double[PROBES][n];
        for (double[] x : out) {
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
            }
        }
        return out;
    }

    static double frobenius(double[] a) {
        return norm(a);
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double distance(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
