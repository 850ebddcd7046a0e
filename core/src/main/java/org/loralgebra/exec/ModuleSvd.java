package org.loralgebra.exec;

import org.loralgebra.model.ModuleSpec;

/**
 * One module's update as a thin SVD, {@code ΔW = U·diag(S)·Vᵀ} (scale included), with U [out, k] and
 * V [in, k] orthonormal columns and S descending; k ≤ the rank of the factors it came from.
 * {@code sourceScale} is the scale (alpha/r) of those factors, which truncation keeps where it can.
 * A values-only decomposition (a spectrum) has no vectors: {@code u} and {@code v} are null, see {@link #hasVectors()}.
 */
public record ModuleSvd(ModuleSpec spec, Matrix u, double[] s, Matrix v, double sourceScale) implements ModuleValue {
    public ModuleSvd {
        s = s.clone();
    }

    @Override
    public double[] s() {
        return s.clone();
    }

    /** Values-only decomposition: singular values without vectors. */
    public static ModuleSvd valuesOnly(ModuleSpec spec, double[] s, double sourceScale) {
        return new ModuleSvd(spec, null, s, null, sourceScale);
    }

    /** Whether U and V are present. */
    public boolean hasVectors() {
        return u != null;
    }

    /** The number of singular triplets held. */
    public int size() {
        return s.length;
    }
}
