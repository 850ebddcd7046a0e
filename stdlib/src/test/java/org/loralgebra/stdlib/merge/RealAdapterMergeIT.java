package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.StoredModule;

/**
 * PEFT's methods and mergekit's task-arithmetic family on the two real DistilBERT adapters (imdb, emotion: 12
 * modules of 768×768, r = 8, scale 2) against {@link MergeReference}. (The 2025 methods have their own dense
 * references, {@code SpectralMergeTest}, {@code GramMergeTest}, {@code DellaMergeTest} and
 * {@code ElementwiseMergeTest}, and their real-pair check, {@code SpectralRealAdapterIT}.) The engine computes in F64 here so that magnitude ranks and sign votes cannot differ
 * from the double-precision reference by rounding; the result's rank-k SVD is checked by its defining properties
 * (A's rows orthonormal, B = M·Aᵀ, span(Aᵀ) invariant under MᵀM, and nothing larger left in the complement),
 * which needs no dense SVD in the test.
 */
class RealAdapterMergeIT {
    private static final double[] W = {0.6, 0.4};
    private static ExecutionOptions saved;

    @TempDir
    Path tmp;

    @BeforeAll
    static void f64() {
        saved = Lora.options();
        Lora.configure(saved.withPrecision(Precision.F64));
    }

    @AfterAll
    static void restore() {
        Lora.configure(saved);
    }

    private static List<AdapterSource> sources() {
        return List.of(
                Lora.load(RealAdapters.path("distilbert-imdb")).source().orElseThrow(),
                Lora.load(RealAdapters.path("distilbert-emotion")).source().orElseThrow());
    }

    private static Dense.M reference(List<AdapterSource> in, Method m, String module) {
        List<MergeReference.Factors> f =
                in.stream().map(s -> MergeReference.Factors.of(s.read(module))).toList();
        return MergeReference.merged(m, module, f, List.of(0, 1), W, 0.5, false, null, 0);
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {
                "LINEAR",
                "CAT",
                "SVD",
                "TIES",
                "TIES_SVD",
                "DARE_LINEAR",
                "DARE_TIES",
                "DARE_LINEAR_SVD",
                "DARE_TIES_SVD",
                "MAGNITUDE_PRUNE",
                "MAGNITUDE_PRUNE_SVD",
                "TASK_ARITHMETIC",
                "MERGEKIT_TIES",
                "MERGEKIT_DARE_TIES",
                "MERGEKIT_DARE_LINEAR"
            })
    void everyMethodMatchesTheDenseFormulaOnTheRealPair(Method m) {
        List<AdapterSource> in = sources();
        Merge merge =
                Merge.of(Lora.from(in.get(0)), Lora.from(in.get(1))).method(m).weights(W);
        if (m.prunes()) {
            merge = merge.density(0.5);
        }
        Adapter all = merge.adapter();
        assertEquals(12, all.modules().size());
        // the first and last layers (q_lin and v_lin): 4 of the 12 modules keep the dense checks quick
        Adapter merged = all.layers(0, 5).eval();
        assertEquals(4, merged.modules().size());
        for (String module : merged.modules()) {
            Dense.M expected = reference(in, m, module);
            StoredModule got = merged.source().orElseThrow().read(module);
            if (m.endsWithSvd()) {
                assertEquals(8, got.spec().rank(), "PEFT's default svd_rank: the largest input rank");
                assertBestRankK(expected, got, m + " " + module);
            } else {
                double err = Dense.relError(TestAdapters.dense(got), expected);
                assertTrue(err < 1e-6, m + " " + module + ": relative error " + err + " (eval holds F32)");
            }
        }
    }

    @Test
    void aMergedAdapterSavesAndReloadsWithTheSameUpdate() {
        List<AdapterSource> in = sources();
        Adapter merged = Merge.of(Lora.from(in.get(0)), Lora.from(in.get(1)))
                .method(Method.TIES_SVD)
                .weights(W)
                .density(0.5)
                .majoritySign(MajoritySign.FREQUENCY)
                .rank(12)
                .adapter()
                .layers(2);
        Path out = tmp.resolve("merged");
        merged.save(out.toString());
        Adapter back = Lora.load(out);
        assertEquals(merged.modules(), back.modules());
        assertEquals(2, back.modules().size());
        for (String module : back.modules()) {
            assertEquals(12, back.module(module).rank());
            double err = Dense.relError(Dense.M.of(back.dense(module)), Dense.M.of(merged.dense(module)));
            assertTrue(err < 1e-6, module + ": saved in F32, relative error " + err);
        }
    }

    /**
     * X = B·A is the best rank-k approximation of M: A has orthonormal rows, B = M·Aᵀ (so X is M projected on
     * span(Aᵀ)), that span is invariant under MᵀM with eigenvalues diag(BᵀB), and the largest eigenvalue of MᵀM on
     * the orthogonal complement (power iteration) is no larger than the smallest kept one.
     */
    static void assertBestRankK(Dense.M m, StoredModule got, String what) {
        int k = got.spec().rank();
        SvdLayoutAssertions.assertPeftLayout(got, what);
        Dense.M a = new Dense.M(k, got.spec().in(), got.aMatrix().toDoubleArray());
        Dense.M b = new Dense.M(got.spec().out(), k, got.bMatrix().toDoubleArray());
        Dense.M g = Dense.mul(m, Dense.transpose(a));
        assertTrue(Dense.relError(b, g) < 1e-6, what + ": B = M·Aᵀ (" + Dense.relError(b, g) + ")");
        Dense.M gram = Dense.mul(Dense.transpose(g), g);
        Dense.M mt = Dense.transpose(m);
        Dense.M invariant = Dense.mul(mt, g);
        Dense.M expected = Dense.mul(Dense.transpose(a), gram);
        assertBelow(Dense.relError(invariant, expected), 1e-6, what + ": span(Aᵀ) invariant under MᵀM, relative error");
        double smallestKept = Double.MAX_VALUE;
        for (int i = 0; i < k; i++) {
            smallestKept = Math.min(smallestKept, gram.get(i, i));
        }
        Random rnd = new Random(1);
        double[] x = new double[m.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        double lambda = 0;
        for (int it = 0; it < 100; it++) {
            double[] y = deflate(a, x);
            y = Dense.mul(mt, Dense.mul(m, new Dense.M(y.length, 1, y))).v();
            y = deflate(a, y);
            double norm = Math.sqrt(Arrays.stream(y).map(v -> v * v).sum());
            double xn = Math.sqrt(Arrays.stream(x).map(v -> v * v).sum());
            lambda = norm / xn;
            for (int i = 0; i < y.length; i++) {
                x[i] = y[i] / norm;
            }
        }
        assertTrue(
                lambda <= smallestKept * (1 + 1e-6),
                what + ": the complement holds σ² = " + lambda + " > smallest kept σ² = " + smallestKept);
    }

    private static double[] deflate(Dense.M a, double[] x) {
        double[] coef = Dense.mul(a, new Dense.M(x.length, 1, x)).v();
        double[] back =
                Dense.mul(Dense.transpose(a), new Dense.M(coef.length, 1, coef)).v();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - back[i];
        }
        return out;
    }

    @Test
    void theMergedSpectrumIsReportedAgainstTheExactSum() {
        List<AdapterSource> in = sources();
        List<String> lines = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        Adapter exact = Merge.of(Lora.from(in.get(0)), Lora.from(in.get(1)))
                .method(Method.TASK_ARITHMETIC)
                .weights(W)
                .adapter();
        for (Method m : List.of(Method.SVD, Method.TIES_SVD, Method.DARE_TIES_SVD, Method.MERGEKIT_TIES)) {
            Merge merge = Merge.of(Lora.from(in.get(0)), Lora.from(in.get(1)))
                    .method(m)
                    .weights(W);
            Adapter merged = (m.prunes() ? merge.density(0.5) : merge).adapter();
            String module = "distilbert.transformer.layer.0.attention.q_lin";
            Dense.M ref = Dense.M.of(exact.dense(module));
            double rel = Dense.frobenius(Dense.add(Dense.M.of(merged.dense(module)), ref, -1)) / Dense.frobenius(ref);
            lines.add(String.format(Locale.ROOT, "%-16s rank 8 vs Σ wᵢΔWᵢ: relative error %.4f", m.id(), rel));
            errors.add(rel);
        }
        for (int i = 1; i < errors.size(); i++) {
            assertTrue(
                    errors.get(0) <= errors.get(i) + 1e-9,
                    "svd is the best rank-8 approximation of the sum "
                            + "(Eckart–Young): no rank-8 merge is closer to it\n" + String.join("\n", lines));
        }
        System.out.println(String.join("\n", lines));
    }
}
