package org.loralgebra.model;

import java.util.Arrays;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A tensor known by its dtype and shape, whose bytes are read only when {@link #read()} is called (a tensor
 * of a file), or held in memory.
 */
public interface TensorRef {
    /** The stored dtype. */
    DType dtype();

    /** The shape (a copy). */
    long[] shape();

    /** The bytes (reads them if needed). */
    Tensor read();

    /** Bytes the tensor occupies. */
    default long byteSize() {
        return Tensor.numel(shape()) * dtype().byteSize();
    }

    /** A reference to a tensor already in memory. */
    static TensorRef of(Tensor t) {
        return new TensorRef() {
            @Override
            public DType dtype() {
                return t.dtype();
            }

            @Override
            public long[] shape() {
                return t.shape();
            }

            @Override
            public Tensor read() {
                return t;
            }

            @Override
            public String toString() {
                return t.dtype() + Arrays.toString(t.shape());
            }
        };
    }
}
