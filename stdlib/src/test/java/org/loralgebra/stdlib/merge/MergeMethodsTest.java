package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

/**
 * Every merge method against {@link MergeReference}, an independent dense implementation of PEFT's and mergekit's
 * formulas, on seeded random adapters with different scales and a negative weight.
 */
class MergeMethodsTest {
    private static final double TOL = 2e-5;
    private static final double[] WEIGHTS = {0.7, -0.4, 1.3};

    static List<InMemoryAdapter> inputs(long seed) {
        return List.of(
                TestAdapters.random("a", seed, TestAdapters.shapes(4)),
                TestAdapters.random(
                        "b",
                        seed + 1,
                        List.of(
                                new TestAdapters.Shape("layers.0.q", 12, 10, 4, 1.5),
                                new TestAdapters.Shape("layers.0.v", 12, 10, 4, 0.25),
                                new TestAdapters.Shape("layers.1.mlp", 9, 14, 4, 3.0))),
                TestAdapters.random("c", seed + 2, TestAdapters.shapes(4)));
    }

    static Merge merge(List<InMemoryAdapter> in, Method m) {
        Merge merge = Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(m)
                .weights(WEIGHTS);
        if (m.prunes()) {
            merge = merge.density(0.45);
        }
        return merge;
    }

    static Dense.M reference(
            List<InMemoryAdapter> in, Method m, String module, boolean frequency, Boolean normalize, long seed) {
        List<MergeReference.Factors> f = new ArrayList<>();
        List<Integer> pos = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).type().names().contains(module)) {
                f.add(MergeReference.Factors.of(in.get(i).read(module)));
                pos.add(i);
                w.add(WEIGHTS[i]);
            }
        }
        return MergeReference.merged(
                m,
                module,
                f,
                pos,
                w.stream().mapToDouble(Double::doubleValue).toArray(),
                m.prunes() ? 0.45 : 1.0,
                frequency,
                normalize,
                seed);
    }

    static void assertClose(Dense.M expected, Dense.M actual, double tol, String what) {
        double err = Dense.relError(actual, expected);
        assertTrue(err < tol, what + ": relative error " + err);
    }

    static Stream<Arguments> exactMethods() {
        return Stream.of(Method.values())
                .filter(m -> !m.endsWithSvd() && !m.takesAlpha()) // the 2025 families: SpectralMergeTest, GramMergeTest
                .flatMap(m -> Stream.of(Arguments.of(m, 1L), Arguments.of(m, 2L)));
    }

    @ParameterizedTest
    @MethodSource("exactMethods")
    void methodsWithoutSvdEqualTheirDenseFormula(Method m, long seed) {
        List<InMemoryAdapter> in = inputs(seed);
        Adapter merged = merge(in, m).adapter();
        for (String module : in.get(0).type().names()) {
            assertClose(
                    reference(in, m, module, false, null, 0), Dense.M.of(merged.dense(module)), TOL, m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"LINEAR", "TIES", "DARE_LINEAR", "DARE_TIES", "MAGNITUDE_PRUNE"})
    void factorwiseMethodsProducePeftsFactorsAndItsCrossTerms(Method m) {
        List<InMemoryAdapter> in = inputs(7);
        Adapter merged = merge(in, m).adapter().eval();
        for (String module : in.get(0).type().names()) {
            List<MergeReference.Factors> f = in.stream()
                    .map(a -> MergeReference.Factors.of(a.read(module)))
                    .toList();
            double[][] ref = MergeReference.factorwiseFactors(m, module, f, List.of(0, 1, 2), WEIGHTS, 0.45, false, 0);
            StoredModule got = merged.source().orElseThrow().read(module);
            assertEquals(1.0, got.scale(), 0.0, "PEFT's merged adapter has lora_alpha = r");
            assertClose(
                    new Dense.M(1, ref[0].length, ref[0]),
                    new Dense.M(1, ref[0].length, got.bMatrix().toDoubleArray()),
                    TOL,
                    m + " B of " + module);
            assertClose(
                    new Dense.M(1, ref[1].length, ref[1]),
                    new Dense.M(1, ref[1].length, got.aMatrix().toDoubleArray()),
                    TOL,
                    m + " A of " + module);
        }
        if (m == Method.LINEAR) {
            String module = "layers.0.q";
            Dense.M exactSum = reference(in, Method.TASK_ARITHMETIC, module, false, null, 0);
            double err = Dense.relError(Dense.M.of(merged.dense(module)), exactSum);
            assertTrue(err > 0.1, "PEFT's linear keeps the cross terms Bᵢ·Aⱼ, so it is not Σ wᵢΔWᵢ (" + err + ")");
        }
    }

    static Stream<Arguments> svdMethods() {
        return Stream.of(Method.values())
                .filter(m -> m.endsWithSvd()
                        && m.path() != Method.Path.DELLA
                        && m.path() != Method.Path.BREADCRUMBS
                        && m.path() != Method.Path.SCE) // DellaMergeTest, ElementwiseMergeTest
                .flatMap(m -> Stream.of(Arguments.of(m, 3L, false), Arguments.of(m, 4L, true)));
    }

    @ParameterizedTest
    @MethodSource("svdMethods")
    void svdMethodsAtFullRankReproduceTheMergedUpdateExactly(Method m, long seed, boolean frequency) {
        List<InMemoryAdapter> in = inputs(seed);
        Merge merge = merge(in, m).rank(10).seed(seed);
        if (m.electsSign()) {
            merge = merge.majoritySign(frequency ? MajoritySign.FREQUENCY : MajoritySign.TOTAL);
        }
        Adapter merged = merge.adapter();
        for (String module : List.of("layers.0.q", "layers.0.v")) {
            Dense.M expected = reference(in, m, module, frequency, null, seed);
            assertClose(
                    expected, Dense.M.of(merged.dense(module)), TOL, m + " " + module + " at rank 10 = min(12, 10)");
        }
    }

    @ParameterizedTest
    @MethodSource("svdMethods")
    void svdMethodsKeepTheBestRankKApproximationInPeftsLayout(Method m, long seed, boolean frequency) {
        List<InMemoryAdapter> in = inputs(seed + 10);
        int k = 3;
        Merge merge = merge(in, m).rank(k).seed(seed);
        if (m.electsSign()) {
            merge = merge.majoritySign(frequency ? MajoritySign.FREQUENCY : MajoritySign.TOTAL);
        }
        Adapter merged = merge.adapter().eval();
        for (String module : in.get(0).type().names()) {
            Dense.M full = reference(in, m, module, frequency, null, seed);
            StoredModule got = merged.source().orElseThrow().read(module);
            assertEquals(k, got.spec().rank());
            SvdLayoutAssertions.assertPeftLayout(got, m + " " + module);
            Dense.M approx = TestAdapters.dense(got);
            double err2 = Math.pow(Dense.frobenius(Dense.add(full, approx, -1)), 2);
            double tail = MergeReference.tailEnergy(full, k);
            double scale = Math.pow(Dense.frobenius(full), 2);
            assertEquals(
                    tail, err2, 1e-4 * scale, m + " " + module + ": the error is the spectrum's tail (Eckart–Young)");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"SVD", "TIES_SVD", "MAGNITUDE_PRUNE_SVD"})
    void defaultSvdRankIsTheLargestInputRank(Method m) {
        List<InMemoryAdapter> in = List.of(
                TestAdapters.random("a", 1, TestAdapters.shapes(2)),
                TestAdapters.random("b", 2, TestAdapters.shapes(3)));
        Merge merge = Merge.of(Lora.from(in.get(0)), Lora.from(in.get(1))).method(m);
        if (m.prunes()) {
            merge = merge.density(0.5);
        }
        Adapter merged = merge.adapter();
        for (String module : merged.modules()) {
            assertEquals(3, merged.eval().module(module).rank(), m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"TIES_SVD", "DARE_LINEAR_SVD", "MERGEKIT_TIES", "CAT", "SVD", "TIES"})
    void aModuleSomeInputsLackIsMergedFromTheOthers(Method m) {
        InMemoryAdapter a = TestAdapters.random("a", 5, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random(
                "b",
                6,
                List.of(
                        new TestAdapters.Shape("layers.0.q", 12, 10, 4, 1.0),
                        new TestAdapters.Shape("layers.2.extra", 6, 5, 4, 1.0)));
        List<InMemoryAdapter> in = List.of(a, b);
        Merge merge = Merge.of(Lora.from(a), Lora.from(b)).method(m).weights(0.7, -0.4);
        if (m.prunes()) {
            merge = merge.density(0.45);
        }
        if (m.endsWithSvd()) {
            merge = merge.rank(10);
        }
        Adapter merged = merge.adapter();
        assertEquals(
                List.of("layers.0.q", "layers.0.v", "layers.1.mlp", "layers.2.extra"), List.copyOf(merged.modules()));
        for (String module : List.of("layers.0.q", "layers.0.v", "layers.2.extra")) {
            Dense.M expected = reference(in, m, module, false, null, 0);
            if (m.endsWithSvd() && module.equals("layers.2.extra")) {
                // 6×5 has at most 5 singular values: rank 10 keeps them all (the factored svd knows it has 4)
                int r = merged.eval().module(module).rank();
                assertTrue(r == (m == Method.SVD ? 4 : 5), m + ": rank " + r);
            }
            assertClose(expected, Dense.M.of(merged.dense(module)), TOL, m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"TASK_ARITHMETIC", "MERGEKIT_TIES", "MERGEKIT_DARE_TIES", "MERGEKIT_DARE_LINEAR"})
    void mergekitNormalizeDividesByTheWeights(Method m) {
        List<InMemoryAdapter> in = inputs(21);
        for (boolean normalize : new boolean[] {true, false}) {
            Merge merge = merge(in, m).normalize(normalize);
            if (m.endsWithSvd()) {
                merge = merge.rank(10);
            }
            Adapter merged = merge.adapter();
            for (String module : List.of("layers.0.q", "layers.0.v")) {
                assertClose(
                        reference(in, m, module, false, normalize, 0),
                        Dense.M.of(merged.dense(module)),
                        TOL,
                        m + " normalize=" + normalize + " " + module);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"MAGNITUDE_PRUNE_SVD", "DARE_LINEAR_SVD", "MERGEKIT_DARE_LINEAR"})
    void densityOneIsTheFactoredSvd(Method m) {
        List<InMemoryAdapter> in = inputs(31);
        Adapter pruned = merge(in, m).density(1.0).rank(3).adapter();
        Adapter svd = Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(Method.SVD)
                .weights(WEIGHTS)
                .rank(3)
                .adapter();
        assertTrue(
                pruned.plan().explain().contains("Truncate"),
                "computed by the factored truncation:\n" + pruned.plan().explain());
        for (String module : in.get(0).type().names()) {
            assertClose(Dense.M.of(svd.dense(module)), Dense.M.of(pruned.dense(module)), TOL, m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"CAT", "LINEAR", "TIES", "TASK_ARITHMETIC"})
    void rankOnAMethodWithoutSvdTruncatesTheResult(Method m) {
        List<InMemoryAdapter> in = inputs(41);
        Adapter merged = merge(in, m).rank(2).adapter();
        for (String module : in.get(0).type().names()) {
            Dense.M full = reference(in, m, module, false, null, 0);
            Dense.M approx = Dense.M.of(merged.dense(module));
            assertEquals(2, merged.eval().module(module).rank());
            double err2 = Math.pow(Dense.frobenius(Dense.add(full, approx, -1)), 2);
            assertEquals(
                    MergeReference.tailEnergy(full, 2),
                    err2,
                    1e-4 * Math.pow(Dense.frobenius(full), 2),
                    m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"TIES_SVD", "TIES", "DARE_TIES_SVD", "SVD"})
    void aPeftTypeOverOneAdapterIsLinearAsInPeft(Method m) {
        InMemoryAdapter a = TestAdapters.random("a", 51, TestAdapters.shapes(4));
        Merge merge = Merge.of(Lora.from(a)).method(m).weights(-0.6);
        if (m.prunes()) {
            merge = merge.density(0.3);
        }
        Adapter merged = merge.adapter();
        for (String module : a.type().names()) {
            assertClose(
                    Dense.scale(TestAdapters.dense(a, module), -0.6),
                    Dense.M.of(merged.dense(module)),
                    TOL,
                    m + " " + module);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"SVD", "TIES_SVD"})
    void svdClampClampsToTheSignedQuantileOfPeftsFactors(Method m) {
        List<InMemoryAdapter> in = inputs(61);
        Merge base = merge(in, m).rank(4);
        StoredModule unclamped = base.adapter().eval().source().orElseThrow().read("layers.0.q");
        StoredModule clamped =
                base.svdClamp(0.8).adapter().eval().source().orElseThrow().read("layers.0.q");
        double[] b = unclamped.bMatrix().toDoubleArray();
        double[] a = unclamped.aMatrix().toDoubleArray();
        double[] all = new double[b.length + a.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(a, 0, all, b.length, a.length);
        Arrays.sort(all);
        double pos = 0.8 * (all.length - 1);
        int lo = (int) pos;
        double hi = all[lo] + (pos - lo) * (all[lo + 1] - all[lo]);
        double[] cb = clamped.bMatrix().toDoubleArray();
        double[] ca = clamped.aMatrix().toDoubleArray();
        for (int i = 0; i < b.length; i++) {
            assertEquals(Math.min(Math.max(b[i], -hi), hi), cb[i], 1e-6 * Math.abs(hi) + 1e-7, "B entry " + i);
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(Math.min(Math.max(a[i], -hi), hi), ca[i], 1e-6 * Math.abs(hi) + 1e-7, "A entry " + i);
        }
        double nearest =
                Arrays.stream(cb).map(x -> Math.abs(Math.abs(x) - hi)).min().orElse(Double.POSITIVE_INFINITY);
        assertBelow(
                nearest,
                1e-6 * hi,
                "some entries were clamped: the nearest |B entry| to the bound " + hi + " is off by");
    }
}
