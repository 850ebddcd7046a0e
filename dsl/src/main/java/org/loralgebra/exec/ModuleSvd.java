package org.loralgebra.exec;

import org.loralgebra.model.ModuleSpec;

/**
 * One module's update as a thin SVD, {@code ΔW = U·diag(S)·Vᵀ} (scale included), with U [out, k] and
 * V [in, k] orthonormal columns and S descending; k ≤ the rank of the factors it came from.
 * {@code sourceScale} is the scale (alpha/r) of those factors, which truncation keeps where it can.
 */
public record ModuleSvd(ModuleSpec spec, Matrix u, double[] s, Matrix v, double sourceScale) {
    public ModuleSvd {
        s = s.clone();
    }

    @Override
    public double[] s() {
        return s.clone();
    }

    /** The number of singular triplets held. */
    public int size() {
        return s.length;
    }
}
