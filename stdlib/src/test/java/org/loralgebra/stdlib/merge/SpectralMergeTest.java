package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

/**
 * The factored spectral merges (core space, TSV, Iso-C, Iso-CTS, KnOTS) against dense float64 references
 * ({@link SpectralReference}) on heterogeneous ranks, a rank-deficient input and a module whose Σr exceeds
 * min(out, in): the final updates agree to 1e-10 (factors are never compared: SVD signs are arbitrary).
 */
class SpectralMergeTest {
    private static final double TOL = 1e-10;
    private static ExecutionOptions saved;

    @BeforeAll
    static void f64() {
        saved = Lora.options();
        Lora.configure(saved.withPrecision(Precision.F64));
    }

    @AfterAll
    static void restore() {
        Lora.configure(saved);
    }

    private static Merge merge(List<InMemoryAdapter> in, Method m) {
        return Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(m)
                .weights(SpectralFixtures.weights(in.size()));
    }

    private static void assertMatches(
            Adapter merged,
            List<InMemoryAdapter> in,
            Function<List<SpectralReference.Task>, Dense.M> ref,
            String what) {
        for (String module : SpectralFixtures.MODULES) {
            Dense.M expected = ref.apply(SpectralFixtures.tasks(in, module));
            Dense.M got = Dense.M.of(merged.dense(module));
            assertBelow(
                    Dense.relError(got, expected), TOL, what + " " + module + " vs dense reference: relative error");
            int bound = Math.min(
                    in.stream()
                            .mapToInt(a -> a.type().modules().get(module).rank())
                            .sum(),
                    Math.min(expected.rows(), expected.cols()));
            assertTrue(
                    merged.eval().module(module).rank() <= bound,
                    what + " " + module + ": rank ≤ min(R, out, in) = " + bound);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void tsvIsTheDenseTsvWithEachTaskAtItsRank(int tasks) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(tasks, 1);
        assertMatches(merge(in, Method.TSV).adapter(), in, SpectralReference::tsv, "tsv");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4})
    void isoCIsTheIsotropizedSumOverItsNumericalRank(int tasks) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(tasks, 2);
        assertMatches(
                merge(in, Method.ISO_C).adapter(),
                in,
                ts -> SpectralReference.isotropize(SpectralReference.sum(ts)),
                "iso_c");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.8, 0.5, 0.0, 1.0})
    void isoCtsIsTheDenseIsoCtsInTheSpan(double fraction) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(4, 3);
        Adapter merged = merge(in, Method.ISO_CTS).commonSpaceFraction(fraction).adapter();
        assertMatches(merged, in, ts -> SpectralReference.isoCts(ts, fraction), "iso_cts f=" + fraction);
    }

    @Test
    void coreSpaceWithTaOrMeanIsTheExactSum() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(4, 4);
        assertMatches(merge(in, Method.CORE_SPACE).adapter(), in, SpectralReference::sum, "core_space ta");
        assertMatches(
                merge(in, Method.CORE_SPACE).coreMerge(CoreMerge.MEAN).adapter(),
                in,
                ts -> Dense.scale(SpectralReference.sum(ts), 0.25),
                "core_space mean");
    }

    @Test
    void coreSpaceTsvAndCartAndIsotropizeMatchTheirDenseForms() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(4, 5);
        assertMatches(
                merge(in, Method.CORE_SPACE).coreMerge(CoreMerge.TSV).adapter(),
                in,
                SpectralReference::tsv,
                "core_space tsv");
        assertMatches(
                merge(in, Method.CORE_SPACE)
                        .coreMerge(CoreMerge.TSV)
                        .isotropize(true)
                        .adapter(),
                in,
                ts -> SpectralReference.isotropize(SpectralReference.tsv(ts)),
                "core_space tsv isotropize");
        assertMatches(
                merge(in, Method.CORE_SPACE).isotropize(true).adapter(),
                in,
                ts -> SpectralReference.isotropize(SpectralReference.sum(ts)),
                "core_space ta isotropize");
        assertMatches(
                merge(in, Method.CORE_SPACE).coreMerge(CoreMerge.CART).adapter(),
                in,
                ts -> SpectralReference.cart(ts, 0.04, 0.1),
                "core_space cart");
        assertMatches(
                merge(in, Method.CORE_SPACE)
                        .coreMerge(CoreMerge.CART)
                        .cartRankFraction(0.3)
                        .cartWeight(0.7)
                        .adapter(),
                in,
                ts -> SpectralReference.cart(ts, 0.3, 0.7),
                "core_space cart ρ 0.3 λ 0.7");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void coreSpaceTiesRunsOnTheSvdAlignedCores(boolean frequency) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(4, 6);
        Merge m = merge(in, Method.CORE_SPACE).coreMerge(CoreMerge.TIES).density(0.3);
        if (frequency) {
            m = m.majoritySign(MajoritySign.FREQUENCY);
        }
        assertMatches(
                m.adapter(),
                in,
                ts -> SpectralReference.coreElementwise(ts, false, 0.3, frequency, 0, moduleOf(ts)),
                "core_space ties");
    }

    @Test
    void coreSpaceDareTiesDrawsSeededMasksOnTheCores() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 7);
        Adapter merged = merge(in, Method.CORE_SPACE)
                .coreMerge(CoreMerge.DARE_TIES)
                .density(0.6)
                .seed(11)
                .adapter();
        assertMatches(
                merged,
                in,
                ts -> SpectralReference.coreElementwise(ts, true, 0.6, false, 11, moduleOf(ts)),
                "core_space dare_ties");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void knotsTiesIsTiesOnTheJointSvdsTaskBlocks(boolean frequency) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(4, 8);
        Merge m = merge(in, Method.KNOTS_TIES).density(0.2);
        if (frequency) {
            m = m.majoritySign(MajoritySign.FREQUENCY);
        }
        assertMatches(
                m.adapter(),
                in,
                ts -> SpectralReference.knots(ts, false, 0.2, frequency, 0, moduleOf(ts)),
                "knots_ties");
    }

    @Test
    void knotsTiesWithAGlobalThresholdIsTheReferencesTiesAcrossModules() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 8);
        Adapter global = merge(in, Method.KNOTS_TIES)
                .density(0.2)
                .thresholdScope(ThresholdScope.GLOBAL)
                .adapter();
        Adapter perModule = merge(in, Method.KNOTS_TIES).density(0.2).adapter();
        Map<String, List<SpectralReference.Task>> byModule = new LinkedHashMap<>();
        for (String module : SpectralFixtures.MODULES) {
            byModule.put(module, SpectralFixtures.tasks(in, module));
        }
        Map<String, Dense.M> expected = SpectralReference.knotsGlobal(byModule, 0.2);
        double differs = 0;
        for (String module : SpectralFixtures.MODULES) {
            Dense.M got = Dense.M.of(global.dense(module));
            assertBelow(
                    Dense.relError(got, expected.get(module)),
                    1e-9,
                    "knots_ties global " + module + " vs dense reference: relative error");
            differs = Math.max(differs, Dense.relError(Dense.M.of(perModule.dense(module)), got));
        }
        // the modules' scales differ, so one threshold over all of them keeps other entries than per-module ones
        assertTrue(differs > 1e-2, "global and per-module thresholds differ: largest relative difference " + differs);
        assertTrue(
                global.plan().explain().contains("threshold=global"),
                global.plan().explain());
    }

    @Test
    void knotsDareTiesDrawsSeededMasksOnTheTaskBlocks() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 9);
        Adapter merged = merge(in, Method.KNOTS_DARE_TIES).seed(421).alpha(0.7).adapter();
        assertMatches(
                merged,
                in,
                ts -> Dense.scale(SpectralReference.knots(ts, true, 0.9, false, 421, moduleOf(ts)), 0.7),
                "knots_dare_ties (default density 0.9, α 0.7)");
    }

    @Test
    void alphaScalesTheResult() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 10);
        assertMatches(
                merge(in, Method.TSV).alpha(-0.5).adapter(),
                in,
                ts -> Dense.scale(SpectralReference.tsv(ts), -0.5),
                "tsv α −0.5");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherMasks() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 12);
        for (Method method : List.of(Method.KNOTS_DARE_TIES, Method.CORE_SPACE)) {
            Function<Long, double[]> run = seed -> {
                Merge m = merge(in, method).seed(seed);
                if (method == Method.CORE_SPACE) {
                    m = m.coreMerge(CoreMerge.DARE_TIES);
                }
                StoredModule sm = m.adapter().eval().source().orElseThrow().read(SpectralFixtures.Q);
                double[] b = sm.bMatrix().toDoubleArray();
                double[] a = sm.aMatrix().toDoubleArray();
                double[] both = Arrays.copyOf(b, b.length + a.length);
                System.arraycopy(a, 0, both, b.length, a.length);
                return both;
            };
            assertArrayEquals(run.apply(3L), run.apply(3L), method + ": same seed, same bytes");
            double[] other = run.apply(4L);
            double[] first = run.apply(3L);
            assertTrue(!Arrays.equals(other, first), method + ": another seed draws other masks");
        }
    }

    @Test
    void explainShowsTheFactoredPath() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 13);
        for (Method m : List.of(Method.CORE_SPACE, Method.TSV, Method.ISO_C, Method.ISO_CTS, Method.KNOTS_TIES)) {
            String plan = merge(in, m).adapter().plan().explain();
            assertTrue(plan.contains("factored") && plan.contains(m.id()), m + ":\n" + plan);
            assertEquals(false, m.isDense(), m + " is factored");
        }
    }

    private static String moduleOf(List<SpectralReference.Task> ts) {
        int m = ts.get(0).b().rows();
        return m == 64 ? SpectralFixtures.Q : m == 96 ? SpectralFixtures.MLP : SpectralFixtures.TINY;
    }
}
