package org.loralgebra.kernel.reference;

import java.util.Arrays;
import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Every {@link Backend} operation in plain Java on row-major doubles, whatever precision is asked for: Householder
 * QR, one-sided Jacobi SVD (accurate to a few ulps of σ₁), products by triple loops. Slow and simple on purpose: an
 * independent implementation to check the engine against, with no native library.
 */
final class ReferenceBackend implements Backend {
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

    private static ReferenceMatrix m(Matrix a) {
        return (ReferenceMatrix) a;
    }

    @Override
    public Matrix fromTensor(Tensor tensor) {
        long[] s = tensor.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("a matrix needs a 2-D tensor, got shape " + Arrays.toString(s));
        }
        return new ReferenceMatrix((int) s[0], (int) s[1], tensor.toDoubleArray());
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] values) {
        return new ReferenceMatrix(rows, cols, values.clone());
    }

    @Override
    public Tensor toTensor(Matrix a, DType dtype) {
        return Tensor.ofDoubles(dtype, new long[] {a.rows(), a.cols()}, m(a).v());
    }

    @Override
    public double[] toRowMajor(Matrix a) {
        return m(a).v().clone();
    }

    @Override
    public Matrix zeros(int rows, int cols) {
        return new ReferenceMatrix(rows, cols, new double[rows * cols]);
    }

    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        ReferenceMatrix x = transposeA ? transposed(m(a)) : m(a);
        ReferenceMatrix y = transposeB ? transposed(m(b)) : m(b);
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
        return new ReferenceMatrix(x.rows(), n, out);
    }

    @Override
    public Matrix scale(Matrix a, double factor) {
        double[] v = m(a).v().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return new ReferenceMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix addScaled(Matrix a, Matrix b, double factor) {
        double[] v = m(a).v().clone();
        double[] w = m(b).v();
        for (int i = 0; i < v.length; i++) {
            v[i] += factor * w[i];
        }
        return new ReferenceMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix transpose(Matrix a) {
        return transposed(m(a));
    }

    private static ReferenceMatrix transposed(ReferenceMatrix a) {
        double[] t = new double[a.v().length];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                t[j * a.rows() + i] = a.at(i, j);
            }
        }
        return new ReferenceMatrix(a.cols(), a.rows(), t);
    }

    @Override
    public Matrix hcat(List<Matrix> parts) {
        return transposed(m(vcat(parts.stream().map(this::transpose).toList())));
    }

    @Override
    public Matrix vcat(List<Matrix> parts) {
        int cols = parts.get(0).cols();
        int rows = parts.stream().mapToInt(Matrix::rows).sum();
        double[] v = new double[rows * cols];
        int at = 0;
        for (Matrix p : parts) {
            if (p.cols() != cols) {
                throw new IllegalArgumentException("vcat: " + p.cols() + " columns after " + cols);
            }
            System.arraycopy(m(p).v(), 0, v, at, p.rows() * cols);
            at += p.rows() * cols;
        }
        return new ReferenceMatrix(rows, cols, v);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        return transposed(m(rows(transposed(m(a)), from, to)));
    }

    @Override
    public Matrix rows(Matrix a, int from, int to) {
        return new ReferenceMatrix(to - from, a.cols(), Arrays.copyOfRange(m(a).v(), from * a.cols(), to * a.cols()));
    }

    @Override
    public Matrix scaleColumns(Matrix a, double[] factors) {
        double[] v = m(a).v().clone();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                v[i * a.cols() + j] *= factors[j];
            }
        }
        return new ReferenceMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix scaleRows(Matrix a, double[] factors) {
        double[] v = m(a).v().clone();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                v[i * a.cols() + j] *= factors[i];
            }
        }
        return new ReferenceMatrix(a.rows(), a.cols(), v);
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
        return new Qr(new ReferenceMatrix(rows, k, qv), new ReferenceMatrix(k, cols, rv));
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
            Svd t = svd(transposed(m(a)));
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
        return new Svd(new ReferenceMatrix(rows, n, u), s, new ReferenceMatrix(n, n, vt));
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
