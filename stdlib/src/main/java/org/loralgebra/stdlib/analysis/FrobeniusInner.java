package org.loralgebra.stdlib.analysis;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ModuleFactors;

/**
 * The Frobenius inner product of two low-rank updates without forming either:
 * {@code ⟨s₁B₁A₁, s₂B₂A₂⟩_F = s₁s₂·tr(A₁ᵀB₁ᵀB₂A₂) = s₁s₂·tr((B₁ᵀB₂)(A₂A₁ᵀ)) = s₁s₂·Σ (B₁ᵀB₂) ⊙ (A₁A₂ᵀ)},
 * two r₁×r₂ Gram products instead of an out×in one.
 */
final class FrobeniusInner {
    private FrobeniusInner() {}

    /** {@code ⟨ΔW₁, ΔW₂⟩_F}, summed in double precision. */
    static double of(Backend be, ModuleFactors x, ModuleFactors y) {
        if (x.rank() == 0 || y.rank() == 0) {
            return 0;
        }
        double[] gb = be.toRowMajor(be.matmul(x.b(), true, y.b(), false));
        double[] ga = be.toRowMajor(be.matmul(x.a(), false, y.a(), true));
        double s = 0;
        for (int i = 0; i < gb.length; i++) {
            s += gb[i] * ga[i];
        }
        return x.scale() * y.scale() * s;
    }

    /** {@code ⟨ΔW₁, ΔW₂⟩ / (‖ΔW₁‖·‖ΔW₂‖)}, NaN when either update is zero. */
    static double cosine(Backend be, ModuleFactors x, ModuleFactors y) {
        double xx = of(be, x, x);
        double yy = of(be, y, y);
        if (!(xx > 0) || !(yy > 0)) {
            return Double.NaN;
        }
        double c = of(be, x, y) / Math.sqrt(xx * yy);
        return Math.max(-1, Math.min(1, c));
    }
}
