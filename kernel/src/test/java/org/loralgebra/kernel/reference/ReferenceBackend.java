package org.loralgebra.kernel.reference;

import java.util.Arrays;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.HostMatrix;
import org.loralgebra.exec.HostMatrixBackend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;

/**
 * Every {@link Backend} operation in plain Java on row-major doubles, whatever precision is asked for: Householder
 * QR, one-sided Jacobi SVD (accurate to a few ulps of σ₁), products by triple loops. Slow and simple on purpose: an
 * independent implementation to check the engine against, with no native library.
 */
final class ReferenceBackend extends HostMatrixBackend {
    private final Precision precision;

    ReferenceBackend(Precision precision) {
        this.precision = precision;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Precision precision() {
        return precision;
    }

    private static HostMatrix m(Matrix a) {
        return host(a);
    }

    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        HostMatrix x = transposeA ? m(a).transposed() : m(a);
        HostMatrix y = transposeB ? m(b).transposed() : m(b);
        if (x.cols() != y.rows()) {
            throw new IllegalArgumentException(
                    "matmul: " + x.rows() + "x" + x.cols() + " times " + y.rows() + "x" + y.cols());
        }
        int n = y.cols();
        double[] out = new double[x.rows() * n];
        for (int i = 0; i < x.rows(); i++) {
            for (int k = 0; k < x.cols(); k++) {
                double c = x.at(i, k);
                if (c == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += c * y.v()[k * n + j];
                }
            }
        }
        return new HostMatrix(x.rows(), n, out);
    }

    /** Householder QR: reflectors applied to a, then to the first k columns of the identity for Q. */
    @Override
    public Qr qr(Matrix a) {
        int rows = a.rows();
        int cols = a.cols();
        int k = Math.min(rows, cols);
        double[][] r = new double[rows][];
        for (int i = 0; i < rows; i++) {
            r[i] = Arrays.copyOfRange(m(a).v(), i * cols, (i + 1) * cols);
        }
        double[][] reflectors = new double[k][];
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (int i = j; i < rows; i++) {
                norm = Math.hypot(norm, r[i][j]);
            }
            double[] u = new double[rows];
            if (norm > 0) {
                double alpha = r[j][j] > 0 ? -norm : norm;
                for (int i = j; i < rows; i++) {
                    u[i] = r[i][j];
                }
                u[j] -= alpha;
                double un = 0;
                for (int i = j; i < rows; i++) {
                    un += u[i] * u[i];
                }
                if (un > 0) {
                    for (int c = j; c < cols; c++) {
                        reflect(u, un, r, c, j);
                    }
                }
            }
            reflectors[j] = u;
        }
        double[][] q = new double[rows][k];
        for (int c = 0; c < k; c++) {
            q[c][c] = 1;
        }
        for (int j = k - 1; j >= 0; j--) {
            double[] u = reflectors[j];
            double un = 0;
            for (int i = j; i < rows; i++) {
                un += u[i] * u[i];
            }
            if (un > 0) {
                for (int c = 0; c < k; c++) {
                    reflect(u, un, q, c, j);
                }
            }
        }
        double[] qv = new double[rows * k];
        double[] rv = new double[k * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(q[i], 0, qv, i * k, k);
        }
        for (int i = 0; i < k; i++) {
            for (int c = i; c < cols; c++) {
                rv[i * cols + c] = r[i][c];
            }
        }
        return new Qr(new HostMatrix(rows, k, qv), new HostMatrix(k, cols, rv));
    }

    /** Column c of x (rows from j on) reflected in the hyperplane orthogonal to u: x − 2·u·(uᵀx)/(uᵀu). */
    private static void reflect(double[] u, double un, double[][] x, int c, int j) {
        double dot = 0;
        for (int i = j; i < u.length; i++) {
            dot += u[i] * x[i][c];
        }
        double f = 2 * dot / un;
        for (int i = j; i < u.length; i++) {
            x[i][c] -= f * u[i];
        }
    }

    /** R of {@link #qr}: RᵀR = aᵀa, which is all the contract asks. */
    @Override
    public Matrix gramRoot(Matrix a) {
        return qr(a).r();
    }

    /**
     * One-sided Jacobi on the columns of a (of aᵀ when it is wide): rotations until every pair of columns is
     * orthogonal to 1e-15 relative, then σ_j = ‖column j‖, U = columns / σ, V = the accumulated rotations.
     */
    @Override
    public Svd svd(Matrix a) {
        if (a.rows() < a.cols()) {
            Svd t = svd(m(a).transposed());
            return new Svd(transpose(t.vt()), t.s(), transpose(t.u()));
        }
        int rows = a.rows();
        int n = a.cols();
        double[][] w = new double[n][rows]; // columns of a
        double[][] v = new double[n][n]; // columns of V
        for (int j = 0; j < n; j++) {
            v[j][j] = 1;
            for (int i = 0; i < rows; i++) {
                w[j][i] = m(a).at(i, j);
            }
        }
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = dot(w[p], w[p]);
                    double beta = dot(w[q], w[q]);
                    double gamma = dot(w[p], w[q]);
                    if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    rotate(w[p], w[q], c, s);
                    rotate(v[p], v[q], c, s);
                }
            }
            if (!rotated) {
                break;
            }
        }
        Integer[] order = new Integer[n];
        double[] norms = new double[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
            norms[j] = Math.sqrt(dot(w[j], w[j]));
        }
        Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
        double[] s = new double[n];
        double[] u = new double[rows * n];
        double[] vt = new double[n * n];
        for (int k = 0; k < n; k++) {
            int j = order[k];
            s[k] = norms[j];
            for (int i = 0; i < rows; i++) {
                u[i * n + k] = s[k] > 0 ? w[j][i] / s[k] : (i == k ? 1 : 0);
            }
            System.arraycopy(v[j], 0, vt, k * n, n);
        }
        return new Svd(new HostMatrix(rows, n, u), s, new HostMatrix(n, n, vt));
    }

    private static double dot(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            double yi = y[i];
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
        }
    }

    @Override
    public double[] singularValues(Matrix a) {
        return svd(a).s();
    }
}
