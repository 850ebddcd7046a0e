package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

/** FedSVD: the update is unchanged (dense check), A has orthonormal rows, ranks and scales are kept. */
class FedSvdTest {
    private static void assertRefactored(Adapter original, Adapter refactored, double tol) {
        Adapter evaluated = refactored.eval();
        for (String m : original.modules()) {
            Dense.M before = Dense.M.of(original.dense(m));
            StoredModule f = evaluated.source().orElseThrow().read(m);
            Dense.M a = new Dense.M(f.spec().rank(), f.spec().in(), f.aMatrix().toDoubleArray());
            Dense.M b = new Dense.M(f.spec().out(), f.spec().rank(), f.bMatrix().toDoubleArray());
            double err = Dense.relError(Dense.scale(Dense.mul(b, a), f.scale()), before);
            assertTrue(err < tol, m + ": update changed by " + err);
            double orth = Dense.relError(
                    Dense.mul(a, Dense.transpose(a)), Dense.identity(f.spec().rank()));
            assertTrue(orth < tol, m + ": AAᵀ − I = " + orth);
            assertEquals(original.module(m).rank(), f.spec().rank(), m + ": rank kept");
            // B = U·S/s: its columns are orthogonal with norms σᵢ/s, descending.
            Dense.M btb = Dense.mul(Dense.transpose(b), b);
            for (int i = 0; i < btb.rows(); i++) {
                for (int j = 0; j < btb.cols(); j++) {
                    if (i != j) {
                        assertEquals(0, btb.get(i, j), tol * btb.get(0, 0), m + ": BᵀB diagonal");
                    }
                }
            }
        }
    }

    @Test
    void randomAdapterKeepsItsUpdateAndScale() {
        InMemoryAdapter x = TestAdapters.random("x", 3, TestAdapters.shapes(4));
        Adapter out = FedSvd.refactor(Lora.from(x));
        assertRefactored(Lora.from(x), out, 2e-5);
        assertEquals(0.5, out.eval().source().orElseThrow().read("layers.1.mlp").scale(), "alpha/r kept");
    }

    @Test
    void aggregateOfClientsIsRefactoredAsOneUpdate() {
        Adapter c1 = Lora.from(TestAdapters.random("c1", 4, TestAdapters.shapes(3)));
        Adapter c2 = Lora.from(TestAdapters.random("c2", 5, TestAdapters.shapes(2)));
        Adapter aggregate = Lora.sum(new double[] {0.5, 0.5}, c1, c2);
        Adapter out = FedSvd.refactor(aggregate);
        assertRefactored(aggregate, out, 2e-5);
        assertEquals(5, out.module("layers.0.q").rank());
    }

    @Test
    void realAdapterKeepsItsUpdate() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        assertRefactored(imdb, FedSvd.refactor(imdb), 5e-5);
    }
}
