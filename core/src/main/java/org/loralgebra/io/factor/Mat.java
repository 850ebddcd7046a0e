package org.loralgebra.io.factor;

import java.util.Arrays;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** A row-major matrix of doubles while factors are computed; the array is not copied and not changed afterwards. */
record Mat(int rows, int cols, double[] v) {
    Mat {
        if ((long) rows * cols != v.length) {
            throw new IllegalArgumentException(
                    rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + v.length);
        }
    }

    /** A stored tensor seen as a {@code rows × (numel/rows)} matrix (a kernel is flattened row-major). */
    static Mat of(Tensor t, int rows) {
        double[] v = t.toDoubleArray();
        return new Mat(rows, rows == 0 ? 0 : v.length / rows, v);
    }

    double get(int i, int j) {
        return v[i * cols + j];
    }

    static Mat identity(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return new Mat(n, n, v);
    }

    Mat transpose() {
        double[] out = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = v[i * cols + j];
            }
        }
        return new Mat(cols, rows, out);
    }

    /** The Kronecker product {@code X ⊗ Y}: {@code (X⊗Y)[i·p + k, j·q + l] = X[i,j]·Y[k,l]} for {@code Y} of size p×q. */
    static Mat kron(Mat x, Mat y) {
        int rows = x.rows * y.rows;
        int cols = x.cols * y.cols;
        double[] out = new double[rows * cols];
        for (int i = 0; i < x.rows; i++) {
            for (int j = 0; j < x.cols; j++) {
                double xij = x.get(i, j);
                for (int k = 0; k < y.rows; k++) {
                    int row = (i * y.rows + k) * cols + j * y.cols;
                    for (int l = 0; l < y.cols; l++) {
                        out[row + l] = xij * y.v[k * y.cols + l];
                    }
                }
            }
        }
        return new Mat(rows, cols, out);
    }

    /**
     * The row-wise Kronecker (face-splitting) product {@code X • Y} of two matrices with the same rows: row {@code i}
     * is {@code kron(X[i,:], Y[i,:])}, so {@code (X•Y)[i, p·q₂ + q] = X[i,p]·Y[i,q]}.
     */
    static Mat faceSplitRows(Mat x, Mat y) {
        if (x.rows != y.rows) {
            throw new IllegalArgumentException("row-wise Kronecker product of " + x.rows + " and " + y.rows + " rows");
        }
        int cols = x.cols * y.cols;
        double[] out = new double[x.rows * cols];
        for (int i = 0; i < x.rows; i++) {
            for (int p = 0; p < x.cols; p++) {
                double xp = x.get(i, p);
                for (int q = 0; q < y.cols; q++) {
                    out[i * cols + p * y.cols + q] = xp * y.get(i, q);
                }
            }
        }
        return new Mat(x.rows, cols, out);
    }

    /**
     * The column-wise Kronecker (Khatri–Rao) product {@code X ∗ Y} of two matrices with the same columns: column
     * {@code j} is {@code kron(X[:,j], Y[:,j])}, so {@code (X∗Y)[p·r₂ + q, j] = X[p,j]·Y[q,j]}.
     */
    static Mat faceSplitColumns(Mat x, Mat y) {
        if (x.cols != y.cols) {
            throw new IllegalArgumentException(
                    "column-wise Kronecker product of " + x.cols + " and " + y.cols + " columns");
        }
        int rows = x.rows * y.rows;
        double[] out = new double[rows * x.cols];
        for (int p = 0; p < x.rows; p++) {
            for (int q = 0; q < y.rows; q++) {
                int row = (p * y.rows + q) * x.cols;
                for (int j = 0; j < x.cols; j++) {
                    out[row + j] = x.v[p * x.cols + j] * y.v[q * y.cols + j];
                }
            }
        }
        return new Mat(rows, x.cols, out);
    }

    /** The values as a 2-D tensor of {@code dtype} (each rounded once). */
    Tensor toTensor(DType dtype) {
        return Tensor.ofDoubles(dtype, new long[] {rows, cols}, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mat m && rows == m.rows && cols == m.cols && Arrays.equals(v, m.v);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(v);
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
