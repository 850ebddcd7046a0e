package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertAtLeast;
import static org.loralgebra.NumericAssertions.assertAtMost;
import static org.loralgebra.NumericAssertions.assertBelow;

import org.loralgebra.Dense;
import org.loralgebra.model.StoredModule;

/** PEFT's svd layout: scale 1, A = Vᵀ with orthonormal rows, B = U·S with orthogonal columns, canonical signs. */
final class SvdLayoutAssertions {
    private SvdLayoutAssertions() {}

    static void assertPeftLayout(StoredModule m, String what) {
        int k = m.spec().rank();
        assertEquals(1.0, m.scale(), 0.0, what + ": scale 1 (lora_alpha = r)");
        Dense.M a = new Dense.M(k, m.spec().in(), m.aMatrix().toDoubleArray());
        Dense.M b = new Dense.M(m.spec().out(), k, m.bMatrix().toDoubleArray());
        assertBelow(
                Dense.relError(Dense.mul(a, Dense.transpose(a)), Dense.identity(k)),
                1e-5,
                what + ": A Aᵀ = I, relative error");
        Dense.M btb = Dense.mul(Dense.transpose(b), b);
        double previous = Double.MAX_VALUE;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (i != j) {
                    assertEquals(0, btb.get(i, j), 1e-5 * btb.get(0, 0), what + ": columns of B are orthogonal");
                }
            }
            assertAtMost(
                    btb.get(i, i),
                    previous * (1 + 1e-6),
                    what + ": S descending, σ²" + i + " against σ²" + (i - 1) + " (1 + 1e-6)");
            previous = btb.get(i, i);
            int arg = 0;
            for (int r = 0; r < b.rows(); r++) {
                if (Math.abs(b.get(r, i)) > Math.abs(b.get(arg, i))) {
                    arg = r;
                }
            }
            assertAtLeast(b.get(arg, i), 0, what + ": column " + i + " of B has its largest-magnitude entry positive");
        }
    }
}
