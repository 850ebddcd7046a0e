package org.loralgebra;

import java.util.Optional;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.tensor.DType;

/**
 * How {@code save} writes: the tensor dtype (default: each module's source dtype, F32 for computed modules of
 * mixed dtypes), the format (default: the format of the first adapter the result came from), and whether an
 * existing adapter at the target may be replaced (default: no; {@code save} then refuses before computing
 * anything, and the existing adapter is left untouched).
 */
public record SaveOptions(Optional<DType> dtype, Optional<AdapterFormat> format, boolean overwrite) {
    /** Source dtype, source format, no overwriting. */
    public static SaveOptions defaults() {
        return new SaveOptions(Optional.empty(), Optional.empty(), false);
    }

    /** The same options writing tensors as {@code d}. */
    public SaveOptions withDtype(DType d) {
        return new SaveOptions(Optional.of(d), format, overwrite);
    }

    /** The same options writing format {@code f}. */
    public SaveOptions withFormat(AdapterFormat f) {
        return new SaveOptions(dtype, Optional.of(f), overwrite);
    }

    /** The same options, replacing an existing adapter at the target when {@code replace} is true. */
    public SaveOptions withOverwrite(boolean replace) {
        return new SaveOptions(dtype, format, replace);
    }
}
