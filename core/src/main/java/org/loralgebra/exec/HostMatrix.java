package org.loralgebra.exec;

/**
 * A matrix held as row-major doubles in host memory, never changed after it is made: the matrices of a
 * {@link HostMatrixBackend}.
 */
public record HostMatrix(int rows, int cols, double[] v) implements Matrix {
    /** Checks that {@code v} holds rows·cols values. */
    public HostMatrix {
        if (v.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + v.length);
        }
    }

    /** The entry at row i, column j. */
    public double at(int i, int j) {
        return v[i * cols + j];
    }

    /** This matrix transposed. */
    public HostMatrix transposed() {
        double[] t = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return new HostMatrix(cols, rows, t);
    }

    @Override
    public long byteSize() {
        return 8L * v.length;
    }
}
