package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * breadcrumbs, breadcrumbs_ties and sce against plain-loop ports of mergekit's {@code magnitude_outliers},
 * generalized task arithmetic and {@code sce_merge} on the dense updates (float64; four inputs of heterogeneous ranks,
 * one rank-deficient): at full rank the streamed results equal the dense formulas to 1e-10. The references rank by a
 * full stable sort (not the streamed histogram selection), also on inputs built with many exactly equal magnitudes
 * and variances, so that the cuts fall inside runs of ties.
 */
class ElementwiseMergeTest {
    private static final double[] W = SpectralFixtures.WEIGHTS;
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

    /** The dense update sBA of one input's module. */
    static double[] update(InMemoryAdapter in, String module) {
        StoredModule sm = in.read(module);
        int rows = sm.spec().out();
        int cols = sm.spec().in();
        Dense.M b = new Dense.M(rows, sm.spec().rank(), sm.bMatrix().toDoubleArray());
        Dense.M a = new Dense.M(sm.spec().rank(), cols, sm.aMatrix().toDoubleArray());
        return Dense.scale(Dense.mul(b, a), sm.scale()).v();
    }

    /** mergekit's magnitude_outliers (stable ascending sort; n_top = 0 keeps the top, our documented choice). */
    static double[] outliers(double[] t, double density, double gamma) {
        int n = t.length;
        int keep = (int) (density * n);
        int top = (int) (gamma * n);
        int bottom = n - keep - top;
        if (bottom < 0) {
            top += bottom;
            bottom = 0;
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> Math.abs(t[j])));
        double[] out = new double[n];
        for (int k = bottom; k < n - top; k++) {
            out[order[k]] = t[order[k]];
        }
        return out;
    }

    static double[] breadcrumbs(
            List<InMemoryAdapter> in, String module, boolean ties, double d, double gamma, boolean normalize) {
        List<double[]> pruned = new ArrayList<>();
        for (InMemoryAdapter a : in) {
            pruned.add(outliers(update(a, module), d, gamma));
        }
        if (ties) {
            return MergeReference.mergekitTies(pruned, W, false, normalize);
        }
        double[] sum = MergeReference.weightedSum(pruned, W);
        double total = Arrays.stream(W, 0, in.size()).sum();
        return normalize ? Arrays.stream(sum).map(x -> x / total).toArray() : sum;
    }

    /** mergekit's sce_merge: variance top-k (ties: lower index first), mean-square weights, sum-sign erase. */
    static double[] sce(List<InMemoryAdapter> in, String module, double topk) {
        int t = in.size();
        double[][] d = new double[t][];
        for (int i = 0; i < t; i++) {
            d[i] = update(in.get(i), module);
        }
        int n = d[0].length;
        if (topk < 1) {
            double[] var = new double[n];
            SceMerge.variance(d, n, var);
            int nonzero = 0;
            for (double v : var) {
                nonzero += v != 0 ? 1 : 0;
            }
            int k = (int) (topk * nonzero);
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -var[j]));
            boolean[] keep = new boolean[n];
            for (int r = 0; r < k; r++) {
                keep[order[r]] = true;
            }
            for (double[] di : d) {
                for (int j = 0; j < n; j++) {
                    di[j] = keep[j] ? di[j] : 0;
                }
            }
        }
        double[] w = new double[t];
        double sum = 0;
        for (int i = 0; i < t; i++) {
            for (double x : d[i]) {
                w[i] += x * x;
            }
            w[i] /= n;
            sum += w[i];
        }
        for (int i = 0; i < t; i++) {
            w[i] = Math.abs(sum) < 1e-6 ? 1.0 / t : w[i] / sum;
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double vote = 0;
            for (double[] di : d) {
                vote += di[j];
            }
            double sign = vote >= 0 ? 1 : -1;
            double mixed = 0;
            double divisor = 0;
            for (int i = 0; i < t; i++) {
                if (Math.signum(d[i][j]) == sign) {
                    mixed += w[i] * d[i][j];
                    divisor += w[i];
                }
            }
            out[j] = mixed / Math.max(divisor, 1e-6);
        }
        return out;
    }

    /**
     * The inputs with every B row i replaced by ±row (i mod 4): each update then has runs of exactly equal
     * magnitudes (and, across inputs, of equal variances) that the cuts must split by position.
     */
    static List<InMemoryAdapter> tied(List<InMemoryAdapter> in) {
        List<InMemoryAdapter> out = new ArrayList<>();
        for (InMemoryAdapter a : in) {
            Map<String, StoredModule> modules = new LinkedHashMap<>();
            for (String name : SpectralFixtures.MODULES) {
                StoredModule sm = a.read(name);
                int rows = sm.spec().out();
                int r = sm.spec().rank();
                double[] b = sm.bMatrix().toDoubleArray();
                for (int i = 4; i < rows; i++) {
                    double s = (i / 4) % 2 == 0 ? 1 : -1;
                    for (int k = 0; k < r; k++) {
                        b[i * r + k] = s * b[(i % 4) * r + k];
                    }
                }
                modules.put(
                        name,
                        StoredModule.of(
                                sm.spec(),
                                sm.aMatrix(),
                                Tensor.ofDoubles(DType.F64, new long[] {rows, r}, b),
                                sm.scale()));
            }
            out.add(new InMemoryAdapter(a.label(), "test-base", a.meta(), modules));
        }
        return out;
    }

    static Adapter[] lazy(List<InMemoryAdapter> in) {
        return in.stream().map(Lora::from).toArray(Adapter[]::new);
    }

    @ParameterizedTest
    @CsvSource({
        "BREADCRUMBS, 0.6, 0.05, false, false",
        "BREADCRUMBS, 1.0, 0.01, false, false",
        "BREADCRUMBS, 0.9, 0.2, true, true",
        "BREADCRUMBS_TIES, 0.7, 0.1, false, false",
        "BREADCRUMBS_TIES, 0.5, 0.005, true, false",
        "BREADCRUMBS_TIES, 0.8, 0.03, true, true"
    })
    void breadcrumbsIsTheDenseFormula(Method m, double d, double gamma, boolean tied, boolean normalize) {
        List<InMemoryAdapter> plain = SpectralFixtures.adapters(4, 41);
        List<InMemoryAdapter> in = tied ? tied(plain) : plain;
        Adapter merged = Merge.of(lazy(in))
                .method(m)
                .weights(W)
                .density(d)
                .gamma(gamma)
                .normalize(normalize)
                .rank(200)
                .adapter();
        for (String module : SpectralFixtures.MODULES) {
            int rows = in.get(0).read(module).spec().out();
            int cols = in.get(0).read(module).spec().in();
            Dense.M expected =
                    new Dense.M(rows, cols, breadcrumbs(in, module, m == Method.BREADCRUMBS_TIES, d, gamma, normalize));
            double err = Dense.relError(Dense.M.of(merged.dense(module)), expected);
            assertBelow(err, 1e-10, m + " d=" + d + " γ=" + gamma + " " + module + " vs the dense formula");
        }
        assertTrue(merged.plan().explain().contains("dense"), merged.plan().explain());
    }

    @Test
    void gammaBelowOneEntryKeepsTheTopInsteadOfZeroingTheTensor() {
        // TINY has 120 entries: γ = 0.005 gives n_top = 0, which mergekit's slice [n_bot:-0] turns into an empty mask
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 42);
        Adapter merged = Merge.of(lazy(in))
                .method(Method.BREADCRUMBS)
                .weights(1, 1, 1)
                .density(1)
                .gamma(0.005)
                .rank(200)
                .adapter();
        double[] sum = new double[120];
        for (InMemoryAdapter a : in) {
            double[] u = update(a, SpectralFixtures.TINY);
            for (int j = 0; j < sum.length; j++) {
                sum[j] += u[j];
            }
        }
        double err = Dense.relError(Dense.M.of(merged.dense(SpectralFixtures.TINY)), new Dense.M(12, 10, sum));
        assertBelow(err, 1e-10, "density 1, n_top 0: breadcrumbs is task arithmetic");
    }

    @ParameterizedTest
    @CsvSource({"1.0, false", "0.3, false", "0.3, true", "0.75, true", "0.0, false"})
    void sceIsTheDenseFormula(double topk, boolean tied) {
        List<InMemoryAdapter> plain = SpectralFixtures.adapters(4, 43);
        List<InMemoryAdapter> in = tied ? tied(plain) : plain;
        Merge merge = Merge.of(lazy(in)).method(Method.SCE).rank(200);
        Adapter merged = (topk < 1 ? merge.selectTopK(topk) : merge).adapter();
        for (String module : SpectralFixtures.MODULES) {
            int rows = in.get(0).read(module).spec().out();
            int cols = in.get(0).read(module).spec().in();
            Dense.M expected = new Dense.M(rows, cols, sce(in, module, topk));
            Dense.M actual = Dense.M.of(merged.dense(module));
            if (topk == 0) {
                double max = Arrays.stream(actual.v()).map(Math::abs).max().orElseThrow();
                assertEquals(0.0, max, "select_topk 0 keeps nothing");
                continue;
            }
            double err = Dense.relError(actual, expected);
            assertBelow(err, 1e-10, "sce τ=" + topk + " " + module + " vs the dense formula");
        }
    }

    @Test
    void sameInputsSameBytesAndOptionsBelongToTheirMethods() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 44);
        Merge b =
                Merge.of(lazy(in)).method(Method.BREADCRUMBS_TIES).density(0.5).gamma(0.02);
        assertArrayEquals(
                b.adapter().dense(SpectralFixtures.Q).toArray(),
                b.adapter().dense(SpectralFixtures.Q).toArray(),
                "breadcrumbs_ties: same values");
        Merge s = Merge.of(lazy(in)).method(Method.SCE).selectTopK(0.4);
        assertArrayEquals(
                s.adapter().dense(SpectralFixtures.MLP).toArray(),
                s.adapter().dense(SpectralFixtures.MLP).toArray(),
                "sce: same values");
        LoraException weights =
                assertThrows(LoraException.class, () -> s.weights(1, 2, 3).adapter());
        assertTrue(weights.getMessage().contains("sce takes no weights"), weights.getMessage());
        LoraException gamma = assertThrows(
                LoraException.class,
                () -> Merge.of(lazy(in)).method(Method.SCE).gamma(0.1).adapter());
        assertTrue(gamma.getMessage().contains("gamma applies to breadcrumbs"), gamma.getMessage());
        LoraException topk = assertThrows(
                LoraException.class,
                () -> Merge.of(lazy(in))
                        .method(Method.BREADCRUMBS)
                        .selectTopK(0.5)
                        .adapter());
        assertTrue(topk.getMessage().contains("select_topk applies to sce"), topk.getMessage());
        LoraException range =
                assertThrows(LoraException.class, () -> Merge.of(lazy(in)).gamma(1.5));
        assertTrue(range.getMessage().contains("1.5"), range.getMessage());
    }
}
