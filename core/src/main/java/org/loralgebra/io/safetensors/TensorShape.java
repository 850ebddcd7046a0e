package org.loralgebra.io.safetensors;

import java.util.Arrays;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** What a safetensors header says of a tensor before its bytes exist: its dtype and shape. */
public record TensorShape(DType dtype, long[] shape) {
    public TensorShape {
        shape = shape.clone();
    }

    /** The dtype and shape of {@code t}. */
    public static TensorShape of(Tensor t) {
        return new TensorShape(t.dtype(), t.shape());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes the tensor occupies: {@code numel × dtype size}. */
    public long byteSize() {
        return Tensor.numel(shape) * dtype.byteSize();
    }

    /** Whether {@code t} has this dtype and shape. */
    public boolean matches(Tensor t) {
        return t.dtype() == dtype && Arrays.equals(t.shape(), shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape s && s.dtype == dtype && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
