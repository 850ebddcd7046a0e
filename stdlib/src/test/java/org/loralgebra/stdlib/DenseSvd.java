package org.loralgebra.stdlib;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.Dense;

/**
 * Independent dense SVD with vectors for stdlib tests: one-sided Jacobi (Hestenes) rotations in double precision
 * with plain loops, plus Gram–Schmidt helpers. Shares no code with the factored path or with ND4J.
 * {@code u} is m×k, {@code v} n×k (k = min(m, n)), {@code s} descending; columns for zero singular values are
 * completed to an orthonormal set.
 */
public record DenseSvd(Dense.M u, double[] s, Dense.M v) {
    public static DenseSvd of(Dense.M a) {
        if (a.rows() < a.cols()) {
            DenseSvd t = of(Dense.transpose(a));
            return new DenseSvd(t.v, t.s, t.u);
        }
        int m = a.rows();
        int n = a.cols();
        double[][] col = new double[n][m];
        double[][] vcol = new double[n][n];
        for (int j = 0; j < n; j++) {
            vcol[j][j] = 1;
            for (int i = 0; i < m; i++) {
                col[j][i] = a.get(i, j);
            }
        }
        for (int sweep = 0; sweep < 80; sweep++) {
            double off = 0;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = dot(col[p], col[p]);
                    double beta = dot(col[q], col[q]);
                    double gamma = dot(col[p], col[q]);
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = zeta == 0 ? 1 : Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double sn = c * t;
                    rotate(col[p], col[q], c, sn);
                    rotate(vcol[p], vcol[q], c, sn);
                }
            }
            if (off < 1e-15) {
                break;
            }
        }
        Integer[] order = new Integer[n];
        double[] norms = new double[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
            norms[j] = Math.sqrt(dot(col[j], col[j]));
        }
        Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
        double[] s = new double[n];
        List<double[]> us = new ArrayList<>();
        double[] uv = new double[m * n];
        double[] vv = new double[n * n];
        double top = norms[order[0]];
        for (int k = 0; k < n; k++) {
            int j = order[k];
            s[k] = norms[j];
            for (int i = 0; i < n; i++) {
                vv[i * n + k] = vcol[j][i];
            }
            if (s[k] > 1e-13 * Math.max(top, 1e-300)) {
                double[] u = new double[m];
                for (int i = 0; i < m; i++) {
                    u[i] = col[j][i] / s[k];
                }
                us.add(u);
            } else {
                s[k] = 0;
            }
        }
        List<double[]> full = complete(us, m, n);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < m; i++) {
                uv[i * n + k] = full.get(k)[i];
            }
        }
        return new DenseSvd(new Dense.M(m, n, uv), s, new Dense.M(n, n, vv));
    }

    /** Orthonormal columns: the given ones, then Gram–Schmidt over the unit vectors until there are {@code count}. */
    public static List<double[]> complete(List<double[]> given, int dim, int count) {
        List<double[]> out = new ArrayList<>(given);
        for (int e = 0; e < dim && out.size() < count; e++) {
            double[] x = new double[dim];
            x[e] = 1;
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : out) {
                    double d = dot(q, x);
                    for (int i = 0; i < dim; i++) {
                        x[i] -= d * q[i];
                    }
                }
            }
            double norm = Math.sqrt(dot(x, x));
            if (norm > 1e-8) {
                for (int i = 0; i < dim; i++) {
                    x[i] /= norm;
                }
                out.add(x);
            }
        }
        return out;
    }

    /** Orthonormal basis of the column span of {@code a} (modified Gram–Schmidt, twice; dependent columns dropped). */
    public static Dense.M orthonormalColumns(Dense.M a) {
        List<double[]> out = new ArrayList<>();
        for (int j = 0; j < a.cols(); j++) {
            double[] x = new double[a.rows()];
            for (int i = 0; i < a.rows(); i++) {
                x[i] = a.get(i, j);
            }
            double before = Math.sqrt(dot(x, x));
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : out) {
                    double d = dot(q, x);
                    for (int i = 0; i < x.length; i++) {
                        x[i] -= d * q[i];
                    }
                }
            }
            double norm = Math.sqrt(dot(x, x));
            if (norm > 1e-9 * Math.max(before, 1e-300)) {
                for (int i = 0; i < x.length; i++) {
                    x[i] /= norm;
                }
                out.add(x);
            }
        }
        return columns(out, a.rows());
    }

    /** Columns as a matrix. */
    public static Dense.M columns(List<double[]> cols, int rows) {
        double[] v = new double[rows * cols.size()];
        for (int j = 0; j < cols.size(); j++) {
            for (int i = 0; i < rows; i++) {
                v[i * cols.size() + j] = cols.get(j)[i];
            }
        }
        return new Dense.M(rows, cols.size(), v);
    }

    /** Columns {@code [0, k)}. */
    public static Dense.M firstColumns(Dense.M a, int k) {
        double[] v = new double[a.rows() * k];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < k; j++) {
                v[i * k + j] = a.get(i, j);
            }
        }
        return new Dense.M(a.rows(), k, v);
    }

    /** The full m×m left basis (the thin U completed). */
    public Dense.M fullU() {
        return full(u);
    }

    /** The full n×n right basis. */
    public Dense.M fullV() {
        return full(v);
    }

    private static Dense.M full(Dense.M q) {
        List<double[]> cols = new ArrayList<>();
        for (int j = 0; j < q.cols(); j++) {
            double[] c = new double[q.rows()];
            for (int i = 0; i < q.rows(); i++) {
                c[i] = q.get(i, j);
            }
            cols.add(c);
        }
        return columns(complete(cols, q.rows(), q.rows()), q.rows());
    }

    /** (I − QQᵀ)·x. */
    public static Dense.M projectOffLeft(Dense.M q, Dense.M x) {
        return Dense.add(x, Dense.mul(q, Dense.mul(Dense.transpose(q), x)), -1);
    }

    /** x·(I − QQᵀ). */
    public static Dense.M projectOffRight(Dense.M x, Dense.M q) {
        return Dense.add(x, Dense.mul(Dense.mul(x, q), Dense.transpose(q)), -1);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double a = x[i];
            double b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
        }
    }
}
