package org.loralgebra;

import java.util.Optional;

import org.loralgebra.model.AdapterFormat;
import org.loralgebra.tensor.DType;

/**
 * How {@code save} writes: the tensor dtype (default: each module's source dtype, F32 for computed modules of
 * mixed dtypes) and the format (default: the format of the first adapter the result came from).
 */
public record SaveOptions(Optional<DType> dtype, Optional<AdapterFormat> format) {
    /** Source dtype, source format. */
    public static SaveOptions defaults() {
        return new SaveOptions(Optional.empty(), Optional.empty());
    }

    /** The same options writing tensors as {@code d}. */
    public SaveOptions withDtype(DType d) {
        return new SaveOptions(Optional.of(d), format);
    }

    /** The same options writing format {@code f}. */
    public SaveOptions withFormat(AdapterFormat f) {
        return new SaveOptions(dtype, Optional.of(f));
    }
}
