package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.Comparator;
import org.loralgebra.Dense;

/**
 * A thin SVD in double precision by one-sided Jacobi rotations (Hestenes), in plain loops, for the dense references
 * of the merge tests: shares nothing with the library or LAPACK. Columns of U whose singular value is at or below
 * 1e-10 times the largest are returned as zero (their direction is arbitrary and no reference uses it).
 */
record DenseSvd(Dense.M u, double[] s, Dense.M v) {
    static final double RANK_CUT = 1e-10;

    /** The thin SVD of a: U [m, k], s descending, V [n, k], k = min(m, n). */
    static DenseSvd of(Dense.M a) {
        if (a.rows() < a.cols()) {
            DenseSvd t = of(Dense.transpose(a));
            return new DenseSvd(t.v, t.s, t.u).zeroNull();
        }
        int m = a.rows();
        int n = a.cols();
        double[][] col = new double[n][m];
        double[][] vcol = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                col[j][i] = a.get(i, j);
            }
            vcol[j][j] = 1;
        }
        for (int sweep = 0; sweep < 80; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    for (int i = 0; i < m; i++) {
                        alpha += col[p][i] * col[p][i];
                        beta += col[q][i] * col[q][i];
                        gamma += col[p][i] * col[q][i];
                    }
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = zeta == 0 ? 1 : Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double sn = c * t;
                    rotate(col[p], col[q], c, sn);
                    rotate(vcol[p], vcol[q], c, sn);
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] norms = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (double x : col[j]) {
                s += x * x;
            }
            norms[j] = Math.sqrt(s);
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble(j -> -norms[j]));
        double[] u = new double[m * n];
        double[] v = new double[n * n];
        double[] s = new double[n];
        for (int k = 0; k < n; k++) {
            int j = order[k];
            s[k] = norms[j];
            for (int i = 0; i < m; i++) {
                u[i * n + k] = norms[j] > 0 ? col[j][i] / norms[j] : 0;
            }
            for (int i = 0; i < n; i++) {
                v[i * n + k] = vcol[j][i];
            }
        }
        return new DenseSvd(new Dense.M(m, n, u), s, new Dense.M(n, n, v)).zeroNull();
    }

    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double a = x[i];
            double b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
        }
    }

    /** The number of singular values above RANK_CUT times the largest. */
    int rank() {
        int k = 0;
        while (k < s.length && s[0] > 0 && s[k] > RANK_CUT * s[0]) {
            k++;
        }
        return k;
    }

    private DenseSvd zeroNull() {
        int k = rank();
        double[] uv = u.v().clone();
        double[] vv = v.v().clone();
        for (int j = k; j < s.length; j++) {
            for (int i = 0; i < u.rows(); i++) {
                uv[i * u.cols() + j] = 0;
            }
            for (int i = 0; i < v.rows(); i++) {
                vv[i * v.cols() + j] = 0;
            }
        }
        return new DenseSvd(new Dense.M(u.rows(), u.cols(), uv), s, new Dense.M(v.rows(), v.cols(), vv));
    }

    /** Columns [0, k) of a matrix. */
    static Dense.M columns(Dense.M a, int k) {
        double[] out = new double[a.rows() * k];
        for (int i = 0; i < a.rows(); i++) {
            System.arraycopy(a.v(), i * a.cols(), out, i * k, k);
        }
        return new Dense.M(a.rows(), k, out);
    }

    /** U_k·diag(σ_k)·V_kᵀ. */
    Dense.M truncated(int k) {
        Dense.M uk = columns(u, k);
        Dense.M vk = columns(v, k);
        double[] us = uk.v().clone();
        for (int i = 0; i < uk.rows(); i++) {
            for (int j = 0; j < k; j++) {
                us[i * k + j] *= s[j];
            }
        }
        return Dense.mul(new Dense.M(uk.rows(), k, us), Dense.transpose(vk));
    }

    /** polar(a) = P·Qᵀ for the thin SVD a = P·D·Qᵀ. */
    static Dense.M polar(Dense.M a) {
        DenseSvd d = of(a);
        return Dense.mul(d.u, Dense.transpose(d.v));
    }
}
