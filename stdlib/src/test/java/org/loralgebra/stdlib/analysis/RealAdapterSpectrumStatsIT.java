package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertAtLeast;
import static org.loralgebra.NumericAssertions.assertAtMost;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.AdapterSource;

/**
 * {@link SpectrumStats} of the real GPT-2 adapter (36 modules, three kinds) against dense SVDs of materialized
 * updates: an integration test ({@code SpectrumStatsTest} checks the same measures on small adapters).
 */
class RealAdapterSpectrumStatsIT {
    @Test
    void realAdaptersMatchADenseSvdOfTheMaterializedUpdate() {
        Adapter gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya"));
        AdapterSource src = gpt2.source().orElseThrow();
        SpectrumStats stats = SpectrumStats.of(gpt2, 0.95);
        assertEquals(36, stats.modules().size());
        LayerGrid grid = stats.grid(SpectralMeasure.ENERGY_RANK);
        assertEquals(12, grid.layers().size());
        assertEquals(List.of("attn.c_attn", "attn.c_proj", "mlp.c_proj"), grid.types());
        assertEquals("rank holding 95% energy", grid.quantity());
        for (String m :
                List.of("transformer.h.0.attn.c_attn", "transformer.h.5.attn.c_proj", "transformer.h.11.mlp.c_proj")) {
            Dense.M dense = TestAdapters.dense(src, m);
            double[] reference = new DenseMatrix(dense.rows(), dense.cols(), dense.v()).singularValues();
            SpectrumStatsTest.checkAgainstDense(stats.module(m), dense, reference, 1e-4);
        }
        for (ModuleSpectrum m : stats.modules()) {
            assertAtLeast(m.effectiveRank(), 1, m + ": effective rank");
            assertAtMost(m.effectiveRank(), 8, m + ": effective rank");
            assertAtLeast(m.stableRank(), 1, m + ": stable rank");
            assertAtMost(
                    m.stableRank(),
                    m.effectiveRank() + 1e-9,
                    m + ": stable rank ≤ 1/Σp² ≤ entropy effective rank (Rényi-2 ≤ Shannon)");
        }
    }
}
