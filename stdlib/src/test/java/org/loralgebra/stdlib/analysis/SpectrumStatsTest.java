package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.InMemoryAdapter;

class SpectrumStatsTest {
    /** Effective rank, energy rank and stable rank from the dense update's entries and Jacobi singular values. */
    static void checkAgainstDense(ModuleSpectrum got, Dense.M dense, double[] reference, double tol) {
        assertEquals(reference.length >= got.size() ? got.size() : -1, got.size());
        double[] s = got.singularValues();
        for (int i = 0; i < s.length; i++) {
            assertEquals(reference[i], s[i], tol * reference[0], got.module() + " σ" + (i + 1));
        }
        double sumSquaresOfEntries = Math.pow(Dense.frobenius(dense), 2);
        assertEquals(sumSquaresOfEntries, got.energy(), tol * sumSquaresOfEntries, "energy = Σ entries²");
        assertEquals(
                sumSquaresOfEntries / (reference[0] * reference[0]), got.stableRank(), tol * s.length, "stable rank");
        double l1 = 0;
        for (int i = 0; i < s.length; i++) {
            l1 += reference[i];
        }
        double h = 0;
        for (int i = 0; i < s.length; i++) {
            h -= reference[i] / l1 * Math.log(reference[i] / l1);
        }
        assertEquals(Math.exp(h), got.effectiveRank(), tol * s.length, "entropy effective rank");
        for (double e : new double[] {0.5, 0.9, 0.99}) {
            double acc = 0;
            int k = 0;
            while (acc < e * sumSquaresOfEntries) {
                acc += reference[k] * reference[k];
                k++;
            }
            assertEquals(k, got.energyRank(e), got.module() + " energy rank at " + e);
        }
    }

    @Test
    void closedFormsOfTheMeasures() {
        ModuleSpectrum flat = ModuleSpectrum.of("layers.3.q", new double[] {2, 2, 2, 2});
        assertEquals(4, flat.effectiveRank(), 1e-12);
        assertEquals(4, flat.stableRank(), 1e-12);
        assertEquals(2, flat.energyRank(0.5));
        assertEquals(3, flat.energyRank(0.51));
        assertEquals(4, flat.energyRank(1.0));
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, flat.energyCurve(), 1e-15);
        ModuleSpectrum one = ModuleSpectrum.of("x", new double[] {3, 0, 0});
        assertEquals(1, one.effectiveRank(), 1e-12);
        assertEquals(1, one.stableRank(), 1e-12);
        assertEquals(1, one.energyRank(1.0));
        ModuleSpectrum zero = ModuleSpectrum.of("x", new double[] {0, 0});
        assertEquals(0, zero.effectiveRank());
        assertEquals(0, zero.stableRank());
        assertEquals(0, zero.energyRank(0.9));
        ModuleSpectrum two = ModuleSpectrum.of("x", new double[] {3, 1});
        // p = (3/4, 1/4): exp(H) = 4 / 3^(3/4); stable rank 10/9
        assertEquals(4 / Math.pow(3, 0.75), two.effectiveRank(), 1e-12);
        assertEquals(10.0 / 9, two.stableRank(), 1e-12);
        assertEquals(1, two.energyRank(0.9));
        assertEquals(2, two.energyRank(0.91));
        assertThrows(LoraException.class, () -> ModuleSpectrum.of("x", new double[] {1, 2}));
        assertThrows(LoraException.class, () -> two.energyRank(0));
    }

    @Test
    void theMeasuresHoldWhereSquaresOverflowOrUnderflow() {
        // the same shape at three magnitudes: σ² overflows at 1e300 and underflows at 1e-200; every ratio is scale-free
        ModuleSpectrum unit = ModuleSpectrum.of("x", new double[] {3, 1});
        for (double scale : new double[] {1e300, 1e-200}) {
            ModuleSpectrum m = ModuleSpectrum.of("x", new double[] {3 * scale, scale});
            String at = "σ = (3, 1)·" + scale;
            assertEquals(10.0 / 9, m.stableRank(), 1e-12, at);
            assertEquals(unit.effectiveRank(), m.effectiveRank(), 1e-12, at);
            assertArrayEquals(new double[] {0.9, 1.0}, m.energyCurve(), 1e-15, at);
            assertEquals(2, m.energyRank(0.91), at);
            double norm = Math.sqrt(10) * scale;
            assertEquals(norm, m.frobeniusNorm(), 1e-15 * norm, at);
        }
        ModuleSpectrum huge = ModuleSpectrum.of("x", new double[] {1e308, 1e308});
        assertEquals(2, huge.effectiveRank(), 1e-12, "Σσ overflows");
        assertEquals(Double.POSITIVE_INFINITY, huge.energy(), "E itself is not representable");
        assertEquals(Math.sqrt(2) * 1e308, huge.frobeniusNorm(), 1e293, "√2·1e308 is below the largest double");
        // at ordinary magnitudes the measures are computed directly: the same bits as E/σ₁² and √E
        ModuleSpectrum plain = ModuleSpectrum.of("x", new double[] {0.7, 0.3, 0.1});
        double e = 0.7 * 0.7 + 0.3 * 0.3 + 0.1 * 0.1;
        assertEquals(e / (0.7 * 0.7), plain.stableRank());
        assertEquals(Math.sqrt(e), plain.frobeniusNorm());
    }

    @Test
    void moduleNamesGiveLayerAndType() {
        assertEquals(3, ModuleName.of("transformer.h.3.attn.c_attn").layer().getAsInt());
        assertEquals("attn.c_attn", ModuleName.of("transformer.h.3.attn.c_attn").type());
        assertEquals(
                "attention.q_lin",
                ModuleName.of("distilbert.transformer.layer.10.attention.q_lin").type());
        assertTrue(ModuleName.of("lm_head").layer().isEmpty());
        assertEquals("lm_head", ModuleName.of("lm_head").type());
        assertEquals(
                "model.layers.7", ModuleName.of("model.layers.7").type(), "a name ending in its index is its own type");
    }

    @Test
    void smallAdaptersMatchTheDenseReference() {
        InMemoryAdapter src = TestAdapters.random("a", 11, TestAdapters.shapes(4));
        SpectrumStats stats = SpectrumStats.of(Lora.from(src));
        assertEquals(3, stats.modules().size());
        for (ModuleSpectrum m : stats.modules()) {
            Dense.M dense = TestAdapters.dense(src, m.module());
            checkAgainstDense(m, dense, Dense.singularValues(dense), 1e-5);
        }
        LayerGrid grid = stats.grid(SpectralMeasure.EFFECTIVE_RANK);
        assertEquals(List.of(0, 1), grid.layers());
        assertEquals(List.of("mlp", "q", "v"), grid.types());
        assertTrue(Double.isNaN(grid.get(1, "q")), "layer 1 has no q");
        assertEquals(stats.module("layers.0.v").effectiveRank(), grid.get(0, "v"), 0);
        double meanLayer0 = (stats.module("layers.0.q").stableRank()
                        + stats.module("layers.0.v").stableRank())
                / 2;
        assertEquals(meanLayer0, stats.byLayer(SpectralMeasure.STABLE_RANK).get(0), 1e-15);
        assertEquals(
                stats.module("layers.1.mlp").energy(),
                stats.byType(SpectralMeasure.ENERGY).get("mlp"),
                0);
        double[] layer0 = stats.meanSpectrumByLayer(true).get(0);
        assertEquals(1.0, layer0[0], 1e-15, "normalized spectra start at 1");
        double q2 = stats.module("layers.0.q").singularValues()[1]
                / stats.module("layers.0.q").spectralNorm();
        double v2 = stats.module("layers.0.v").singularValues()[1]
                / stats.module("layers.0.v").spectralNorm();
        assertEquals((q2 + v2) / 2, layer0[1], 1e-15);
    }

    @Test
    void jsonHoldsEveryMeasureAndIsReproducible() throws Exception {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        String json = SpectrumStats.of(imdb).toJson();
        assertEquals(
                json,
                SpectrumStats.of(Lora.load(RealAdapters.path("distilbert-imdb")))
                        .toJson(),
                "byte-identical");
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals("spectrum", root.get("analysis").asText());
        assertEquals(12, root.get("modules").size());
        JsonNode first = root.get("modules").get(0);
        assertEquals(
                "distilbert.transformer.layer.0.attention.q_lin",
                first.get("module").asText());
        assertEquals(0, first.get("layer").asInt());
        assertEquals("attention.q_lin", first.get("type").asText());
        assertEquals(8, first.get("singular_values").size());
        assertEquals(1.0, first.get("energy_curve").get(7).asDouble(), 1e-12);
        ModuleSpectrum m = SpectrumStats.of(imdb).modules().get(0);
        assertEquals(m.effectiveRank(), first.get("effective_rank").asDouble(), 0);
        assertEquals(m.energyRank(0.9), first.get("energy_rank").asInt());
    }
}
