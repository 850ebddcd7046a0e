package org.loralgebra.kernel.reference;

import org.loralgebra.exec.Matrix;

/** A row-major matrix of doubles, never changed after it is made. */
record ReferenceMatrix(int rows, int cols, double[] v) implements Matrix {
    ReferenceMatrix {
        if (v.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + v.length);
        }
    }

    double at(int i, int j) {
        return v[i * cols + j];
    }

    @Override
    public long byteSize() {
        return 8L * v.length;
    }
}
