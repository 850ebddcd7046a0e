package org.loralgebra.exec.nd4j;

import org.loralgebra.exec.Matrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A {@link Matrix} backed by a 2-D ND4J array that no one mutates after construction. */
record Nd4jMatrix(INDArray array) implements Matrix {
    @Override
    public int rows() {
        return array.rows();
    }

    @Override
    public int cols() {
        return array.columns();
    }

    @Override
    public long byteSize() {
        return array.length() * array.dataType().width();
    }

    @Override
    public String toString() {
        return "Matrix[" + rows() + "x" + cols() + ", " + array.dataType() + "]";
    }
}
