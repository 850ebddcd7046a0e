package org.loralgebra;

import java.util.Arrays;
import java.util.Random;

/**
 * Independent dense reference arithmetic for tests, in double precision and plain loops: products, sums and a
 * one-sided Jacobi SVD. Nothing here shares code with the factored path or with ND4J.
 */
public final class Dense {
    private Dense() {}

    /** Row-major m×n. */
    public record M(int rows, int cols, double[] v) {
        public double get(int i, int j) {
            return v[i * cols + j];
        }

        public static M of(DenseMatrix d) {
            return new M(d.rows(), d.cols(), d.toArray());
        }
    }

    public static M mul(M a, M b) {
        if (a.cols != b.rows) {
            throw new IllegalArgumentException(a.rows + "x" + a.cols + " · " + b.rows + "x" + b.cols);
        }
        double[] out = new double[a.rows * b.cols];
        for (int i = 0; i < a.rows; i++) {
            for (int k = 0; k < a.cols; k++) {
                double x = a.v[i * a.cols + k];
                if (x == 0) {
                    continue;
                }
                for (int j = 0; j < b.cols; j++) {
                    out[i * b.cols + j] += x * b.v[k * b.cols + j];
                }
            }
        }
        return new M(a.rows, b.cols, out);
    }

    public static M add(M a, M b, double w) {
        double[] out = a.v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += w * b.v[i];
        }
        return new M(a.rows, a.cols, out);
    }

    public static M scale(M a, double w) {
        return add(new M(a.rows, a.cols, new double[a.v.length]), a, w);
    }

    public static M transpose(M a) {
        double[] out = new double[a.v.length];
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out[j * a.rows + i] = a.v[i * a.cols + j];
            }
        }
        return new M(a.cols, a.rows, out);
    }

    /** A rows×cols matrix of independent standard normal entries drawn from {@code rnd}, row by row. */
    public static M gaussian(Random rnd, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return new M(rows, cols, v);
    }

    public static M zeros(int r, int c) {
        return new M(r, c, new double[r * c]);
    }

    public static M identity(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return new M(n, n, v);
    }

    public static double frobenius(M a) {
        double s = 0;
        for (double x : a.v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** max |a − b| / max(1e-30, max |b|). */
    public static double relError(M a, M b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.v.length; i++) {
            num = Math.max(num, Math.abs(a.v[i] - b.v[i]));
            den = Math.max(den, Math.abs(b.v[i]));
        }
        return num / Math.max(den, 1e-30);
    }

    /** Singular values, descending, by one-sided Jacobi rotations (Hestenes) on the columns of a copy. */
    public static double[] singularValues(M a) {
        M t = a.rows >= a.cols ? a : transpose(a);
        int m = t.rows;
        int n = t.cols;
        double[][] col = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                col[j][i] = t.get(i, j);
            }
        }
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = 0;
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
                    off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
                    double zeta = (beta - alpha) / (2 * gamma);
                    double tt = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        tt = 1;
                    }
                    double c = 1 / Math.sqrt(1 + tt * tt);
                    double s = c * tt;
                    for (int i = 0; i < m; i++) {
                        double x = col[p][i];
                        double y = col[q][i];
                        col[p][i] = c * x - s * y;
                        col[q][i] = s * x + c * y;
                    }
                }
            }
            if (off < 1e-14) {
                break;
            }
        }
        double[] s = new double[n];
        for (int j = 0; j < n; j++) {
            double norm = 0;
            for (double x : col[j]) {
                norm += x * x;
            }
            s[j] = Math.sqrt(norm);
        }
        Arrays.sort(s);
        for (int i = 0; i < n / 2; i++) {
            double tmp = s[i];
            s[i] = s[n - 1 - i];
            s[n - 1 - i] = tmp;
        }
        return s;
    }
}
