package org.loralgebra.cuda;

import org.loralgebra.exec.Matrix;

/**
 * A matrix of the {@link CudaBackend}: row-major doubles in host memory, never changed after it is made. The heavy
 * operations (products, QR, SVD, eigendecompositions) upload their operands in the backend's precision, run on the
 * GPU and download the result; the light ones (slices, scaling) run on the host.
 */
record CudaMatrix(int rows, int cols, double[] v) implements Matrix {
    CudaMatrix {
        if (v.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + v.length);
        }
    }

    @Override
    public long byteSize() {
        return 8L * v.length;
    }
}
