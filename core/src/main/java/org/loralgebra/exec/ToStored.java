package org.loralgebra.exec;

import java.util.Arrays;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Turns computed factors into stored tensors in a given dtype, in the layout the module kind is saved in. A result
 * is never silently wrong: a factor holding NaN or an infinity after the conversion (an overflow of the computation,
 * or a value past the range of the dtype written, 65504 for F16) is a {@link NumericFailure} naming the module, the
 * factor, the index and the value.
 */
public final class ToStored {
    private ToStored() {}

    /**
     * The module as tensors: A [r, in] and B [out, r] (convolutions: A [r, c, kh, kw], B [out, r, 1, 1]).
     *
     * @throws NumericFailure when a factor is not finite in {@code dtype}
     */
    public static StoredModule of(Backend backend, ModuleFactors f, DType dtype) {
        ModuleSpec spec = f.spec();
        Tensor a = finite(backend.toTensor(f.a(), dtype), spec, "lora_A");
        Tensor b = finite(backend.toTensor(f.b(), dtype), spec, "lora_B");
        if (spec.kind() == ModuleKind.CONV) {
            long[] k = spec.kernel();
            long[] aShape = new long[2 + k.length];
            long[] bShape = new long[2 + k.length];
            aShape[0] = f.rank();
            aShape[1] = spec.in() / spec.kernelSize();
            bShape[0] = spec.out();
            bShape[1] = f.rank();
            for (int i = 0; i < k.length; i++) {
                aShape[2 + i] = k[i];
                bShape[2 + i] = 1;
            }
            a = a.reshape(aShape);
            b = b.reshape(bShape);
        }
        ModuleSpec out = new ModuleSpec(
                spec.name(),
                spec.kind(),
                spec.out(),
                spec.in(),
                f.rank(),
                dtype,
                spec.kernel(),
                spec.fanInFanOut(),
                f.magnitude().isPresent(),
                f.loraBias().isPresent());
        return new StoredModule(out, a, b, f.scale(), f.magnitude(), f.loraBias());
    }

    /**
     * A module already held as stored tensors, checked as {@link #of} checks computed ones.
     *
     * @throws NumericFailure when a factor is not finite
     */
    public static StoredModule checked(StoredModule m) {
        finite(m.a(), m.spec(), "lora_A");
        finite(m.b(), m.spec(), "lora_B");
        return m;
    }

    private static Tensor finite(Tensor t, ModuleSpec spec, String factor) {
        long bad = t.firstNonFinite();
        if (bad >= 0) {
            double value = t.toDoubleArray()[(int) bad];
            throw new NumericFailure("the computed " + factor + " of module '" + spec.name() + "' holds " + value
                    + " at flat index " + bad + " (shape " + Arrays.toString(t.shape()) + ", written as "
                    + t.dtype() + (t.dtype() == DType.F16 ? ", whose largest value is 65504" : "") + ")");
        }
        return t;
    }
}
