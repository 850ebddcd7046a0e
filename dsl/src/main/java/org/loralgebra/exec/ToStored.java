package org.loralgebra.exec;

import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Turns computed factors into stored tensors in a given dtype, in the layout the module kind is saved in. */
public final class ToStored {
    private ToStored() {
    }

    /** The module as tensors: A [r, in] and B [out, r] (convolutions: A [r, c, kh, kw], B [out, r, 1, 1]). */
    public static StoredModule of(Backend backend, ModuleFactors f, DType dtype) {
        ModuleSpec spec = f.spec();
        Tensor a = backend.toTensor(f.a(), dtype);
        Tensor b = backend.toTensor(f.b(), dtype);
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
        ModuleSpec out = new ModuleSpec(spec.name(), spec.kind(), spec.out(), spec.in(), f.rank(), dtype, spec.kernel(),
                spec.fanInFanOut(), f.magnitude().isPresent(), f.loraBias().isPresent());
        return new StoredModule(out, a, b, f.scale(), f.magnitude(), f.loraBias());
    }
}
