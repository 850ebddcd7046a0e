package org.loralgebra.io.factor;

import java.util.Collection;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.DType;

/**
 * The dtype that holds computed factors exactly, and the dtype they are saved in by default. Each entry of a Hadamard, Kronecker or diagonal-scaled factor is
 * one product of two stored values: exact in F32 when both are F16 (11 + 11 significant bits, and F16's range
 * squared stays inside F32's normal range), exact in F64 for F32 and BF16 values (24 + 24 bits; BF16 squared can
 * leave F32's range). Tucker cores sum such products, so are held in F64, exact to its round-off. A save rounds them to
 * the module's dtype ({@link #stored}: the stored tensors' dtype) unless told to write F64.
 */
public final class ExactDtype {
    private ExactDtype() {}

    /**
     * The dtype a module's factors are saved in by default: the inputs' common dtype, else F32 (as the PEFT and kohya
     * readers do for factors of two dtypes).
     */
    public static DType stored(Collection<TensorInfo> inputs) {
        DType first = inputs.iterator().next().dtype();
        return inputs.stream().allMatch(t -> t.dtype() == first) ? first : DType.F32;
    }

    /** F32 when every input is F16 and nothing is summed, else F64. */
    public static DType of(Collection<TensorInfo> inputs, boolean sums) {
        return !sums && inputs.stream().allMatch(t -> t.dtype() == DType.F16) ? DType.F32 : DType.F64;
    }
}
