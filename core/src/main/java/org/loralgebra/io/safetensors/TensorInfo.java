package org.loralgebra.io.safetensors;

import java.util.Arrays;
import org.loralgebra.tensor.DType;

/**
 * One entry of a safetensors header: a tensor's name, dtype, shape and byte range relative to the start of
 * the data section ({@code [begin, end)}).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Bytes the tensor occupies. */
    public long byteSize() {
        return end - begin;
    }

    /** The shape printed as {@code [8, 768]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + dtype + shapeString();
    }
}
