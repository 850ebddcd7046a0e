package org.loralgebra.exec;

import java.util.Arrays;
import java.util.List;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A {@link Backend} whose matrices live in host memory as {@link HostMatrix}: the moving of values and the light
 * operations (slices, concatenations, scaling, transposes) done here in plain Java, the heavy ones (products, QR, SVD,
 * Gram roots) left to the subclass, which may run them anywhere (the cuda backend uploads their operands to the GPU).
 */
public abstract class HostMatrixBackend implements Backend {
    /** {@code a} as this family's matrix. */
    protected static HostMatrix host(Matrix a) {
        return (HostMatrix) a;
    }

    @Override
    public Matrix fromTensor(Tensor tensor) {
        long[] s = tensor.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("a matrix needs a 2-D tensor, got shape " + Arrays.toString(s));
        }
        return new HostMatrix((int) s[0], (int) s[1], tensor.toDoubleArray());
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] values) {
        return new HostMatrix(rows, cols, values.clone());
    }

    @Override
    public Tensor toTensor(Matrix a, DType dtype) {
        return Tensor.ofDoubles(dtype, new long[] {a.rows(), a.cols()}, host(a).v());
    }

    @Override
    public double[] toRowMajor(Matrix a) {
        return host(a).v().clone();
    }

    @Override
    public Matrix zeros(int rows, int cols) {
        return new HostMatrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    @Override
    public Matrix scale(Matrix a, double factor) {
        double[] v = host(a).v().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return new HostMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix addScaled(Matrix a, Matrix b, double factor) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(
                    "addScaled: " + a.rows() + "x" + a.cols() + " and " + b.rows() + "x" + b.cols());
        }
        double[] v = host(a).v().clone();
        double[] w = host(b).v();
        for (int i = 0; i < v.length; i++) {
            v[i] += factor * w[i];
        }
        return new HostMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix transpose(Matrix a) {
        return host(a).transposed();
    }

    @Override
    public Matrix hcat(List<Matrix> parts) {
        return transpose(vcat(parts.stream().map(this::transpose).toList()));
    }

    @Override
    public Matrix vcat(List<Matrix> parts) {
        int cols = parts.get(0).cols();
        int rows = 0;
        for (Matrix p : parts) {
            if (p.cols() != cols) {
                throw new IllegalArgumentException("vcat: " + p.cols() + " columns after " + cols);
            }
            rows += p.rows();
        }
        double[] v = new double[Math.multiplyExact(rows, cols)];
        int at = 0;
        for (Matrix p : parts) {
            System.arraycopy(host(p).v(), 0, v, at, p.rows() * cols);
            at += p.rows() * cols;
        }
        return new HostMatrix(rows, cols, v);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        int n = to - from;
        double[] v = new double[a.rows() * n];
        for (int i = 0; i < a.rows(); i++) {
            System.arraycopy(host(a).v(), i * a.cols() + from, v, i * n, n);
        }
        return new HostMatrix(a.rows(), n, v);
    }

    @Override
    public Matrix rows(Matrix a, int from, int to) {
        return new HostMatrix(to - from, a.cols(), Arrays.copyOfRange(host(a).v(), from * a.cols(), to * a.cols()));
    }

    @Override
    public Matrix scaleColumns(Matrix a, double[] factors) {
        double[] v = host(a).v().clone();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                v[i * a.cols() + j] *= factors[j];
            }
        }
        return new HostMatrix(a.rows(), a.cols(), v);
    }

    @Override
    public Matrix scaleRows(Matrix a, double[] factors) {
        double[] v = host(a).v().clone();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                v[i * a.cols() + j] *= factors[i];
            }
        }
        return new HostMatrix(a.rows(), a.cols(), v);
    }
}
