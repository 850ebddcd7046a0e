package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.loralgebra.Dense;

/**
 * Independent dense references for the analysis tests, in double precision and plain loops: a cyclic Jacobi
 * eigensolver for symmetric matrices, singular vectors from it, and the LoRA paper's φ computed from its definition.
 * Nothing here shares code with the analyses, ND4J or LAPACK.
 */
final class Reference {
    private Reference() {}

    /** Eigenvalues (descending) and eigenvectors (columns, in the same order) of a symmetric matrix. */
    record Eigen(double[] values, Dense.M vectors) {}

    static Eigen eigen(Dense.M sym) {
        int n = sym.rows();
        double[][] a = new double[n][n];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (sym.get(i, j) + sym.get(j, i));
            }
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        double[][] fa = a;
        Arrays.sort(order, Comparator.comparingDouble(i -> -fa[i][i]));
        double[] values = new double[n];
        double[] vec = new double[n * n];
        for (int c = 0; c < n; c++) {
            values[c] = a[order[c]][order[c]];
            for (int r = 0; r < n; r++) {
                vec[r * n + c] = v[r][order[c]];
            }
        }
        return new Eigen(values, new Dense.M(n, n, vec));
    }

    /** The left singular vectors of m (columns, by descending singular value), min(rows, cols) of them. */
    static Dense.M leftSingularVectors(Dense.M m) {
        Eigen e = eigen(Dense.mul(m, Dense.transpose(m)));
        return columns(e.vectors(), Math.min(m.rows(), m.cols()));
    }

    /** The right singular vectors of m. */
    static Dense.M rightSingularVectors(Dense.M m) {
        return leftSingularVectors(Dense.transpose(m));
    }

    /** The first k columns. */
    static Dense.M columns(Dense.M m, int k) {
        double[] out = new double[m.rows() * k];
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < k; c++) {
                out[r * k + c] = m.get(r, c);
            }
        }
        return new Dense.M(m.rows(), k, out);
    }

    /** φ(i, j) = ‖U₁[:, :i]ᵀU₂[:, :j]‖²_F / min(i, j), from the definition. */
    static double phi(Dense.M u1, Dense.M u2, int i, int j) {
        Dense.M m = Dense.mul(Dense.transpose(columns(u1, i)), columns(u2, j));
        double f = Dense.frobenius(m);
        return f * f / Math.min(i, j);
    }

    /** Orthonormal columns spanning the columns of m (modified Gram–Schmidt, twice for stability). */
    static Dense.M orthonormalColumns(Dense.M m) {
        int rows = m.rows();
        int cols = m.cols();
        double[][] q = new double[cols][rows];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                q[c][r] = m.get(r, c);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int r = 0; r < rows; r++) {
                        dot += q[p][r] * q[c][r];
                    }
                    for (int r = 0; r < rows; r++) {
                        q[c][r] -= dot * q[p][r];
                    }
                }
            }
            double norm = 0;
            for (double x : q[c]) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int r = 0; r < rows; r++) {
                q[c][r] /= norm;
            }
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = q[c][r];
            }
        }
        return new Dense.M(rows, cols, out);
    }
}
