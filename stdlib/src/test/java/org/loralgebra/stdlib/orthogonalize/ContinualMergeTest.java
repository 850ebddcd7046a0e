package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.stdlib.DenseSvd;

/** OPCM against a dense implementation of the paper's formula (full SVD bases, global norms), and its properties. */
class ContinualMergeTest {
    private static final double TOL = 2e-4;

    /** Modules whose factors have full rank min(out, in): the merged update is always of full rank. */
    private static final List<TestAdapters.Shape> FULL_RANK = List.of(
            new TestAdapters.Shape("layers.0.a", 6, 4, 4, 1.0),
            new TestAdapters.Shape("layers.0.b", 5, 7, 5, 2.0),
            new TestAdapters.Shape("layers.1.c", 4, 4, 4, 0.5));

    /**
     * The reference, on dense matrices: per module {@code U, S, V = svd(τ_p)} with complete U and V, {@code P = UᵀτV},
     * diagonal (for the first {@code diagonal} indices) and top-left r_s block zeroed, {@code τ̃ = UPVᵀ};
     * {@code raw = λ_{t−1}τ_p + τ̃}; {@code λ_t = ‖raw‖ / mean‖τ_i‖} over all modules; {@code τ_p ← raw/λ_t}.
     * {@code literal}: the diagonal runs over all min(out, in) indices, as the reference code does; otherwise
     * over the nonzero singular values only (our low-rank rule).
     */
    static Map<String, Dense.M> reference(List<Map<String, Dense.M>> tasks, double alpha, boolean literal) {
        Map<String, Dense.M> merged = new LinkedHashMap<>(tasks.get(0));
        List<Double> norms = new ArrayList<>(List.of(globalNorm(tasks.get(0))));
        double previousLambda = 1;
        for (Map<String, Dense.M> task : tasks.subList(1, tasks.size())) {
            norms.add(globalNorm(task));
            double avg =
                    norms.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            Map<String, Dense.M> raw = new LinkedHashMap<>();
            for (Map.Entry<String, Dense.M> e : merged.entrySet()) {
                Dense.M tp = e.getValue();
                Dense.M tau = task.get(e.getKey());
                DenseSvd svd = DenseSvd.of(tp);
                double[] s = svd.s();
                int nonzero = 0;
                while (nonzero < s.length && s[nonzero] > 1e-9 * s[0]) {
                    nonzero++;
                }
                double total = 0;
                for (double v : s) {
                    total += v;
                }
                int rs = 0;
                double run = 0;
                for (int i = 0; i < s.length; i++) {
                    run += s[i];
                    if (run / total > alpha) {
                        rs = i;
                        break;
                    }
                }
                Dense.M u = svd.fullU();
                Dense.M v = svd.fullV();
                Dense.M p = Dense.mul(Dense.mul(Dense.transpose(u), tau), v);
                int diagonal = literal ? Math.min(tp.rows(), tp.cols()) : nonzero;
                for (int i = 0; i < diagonal; i++) {
                    p.v()[i * p.cols() + i] = 0;
                }
                for (int i = 0; i < rs; i++) {
                    for (int j = 0; j < rs; j++) {
                        p.v()[i * p.cols() + j] = 0;
                    }
                }
                Dense.M cleaned = Dense.mul(Dense.mul(u, p), Dense.transpose(v));
                raw.put(e.getKey(), Dense.add(Dense.scale(tp, previousLambda), cleaned, 1));
            }
            double lambda = globalNorm(raw) / avg;
            raw.replaceAll((k, m) -> Dense.scale(m, 1 / lambda));
            merged = raw;
            previousLambda = lambda;
        }
        return merged;
    }

    static double globalNorm(Map<String, Dense.M> modules) {
        double sq = 0;
        for (Dense.M m : modules.values()) {
            sq += Math.pow(Dense.frobenius(m), 2);
        }
        return Math.sqrt(sq);
    }

    static Map<String, Dense.M> dense(InMemoryAdapter a) {
        Map<String, Dense.M> out = new LinkedHashMap<>();
        a.type().names().forEach(m -> out.put(m, TestAdapters.dense(a, m)));
        return out;
    }

    private static void assertMatches(Map<String, Dense.M> expected, Adapter actual) {
        for (Map.Entry<String, Dense.M> e : expected.entrySet()) {
            double err = Dense.relError(Dense.M.of(actual.dense(e.getKey())), e.getValue());
            assertTrue(err < TOL, e.getKey() + ": relative error " + err);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.2, 0.8})
    void fullRankUpdatesMatchThePapersFormulaLiterally(double alpha) {
        List<InMemoryAdapter> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(TestAdapters.random("t" + i, 40 + i, FULL_RANK));
        }
        ContinualMerge m = ContinualMerge.start().alpha(alpha);
        for (InMemoryAdapter t : tasks) {
            m = m.fold(Lora.from(t));
        }
        assertMatches(reference(tasks.stream().map(ContinualMergeTest::dense).toList(), alpha, true), m.adapter());
        assertEquals(4, m.count());
    }

    @Test
    void lowRankUpdatesMatchTheFormulaOverTheNonzeroDirections() {
        List<InMemoryAdapter> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(TestAdapters.random("t" + i, 50 + i, TestAdapters.shapes(3)));
        }
        Adapter merged = ContinualMerge.merge(tasks.stream().map(Lora::from).toList());
        assertMatches(reference(tasks.stream().map(ContinualMergeTest::dense).toList(), 0.5, false), merged);
        assertEquals(9, merged.module("layers.1.mlp").rank(), "rank Σrᵢ = 12 is capped by min(out, in) = 9");
        assertEquals(10, merged.module("layers.0.q").rank(), "min(12, 10)");
    }

    @Test
    void modulesSomeTasksLackAreZeroUpdatesThere() {
        InMemoryAdapter a = TestAdapters.random("a", 90, TestAdapters.shapes(2));
        InMemoryAdapter b = TestAdapters.random(
                "b",
                91,
                List.of(
                        new TestAdapters.Shape("layers.0.q", 12, 10, 3, 1.0),
                        new TestAdapters.Shape("layers.5.extra", 6, 5, 2, 1.0)));
        InMemoryAdapter c = TestAdapters.random("c", 92, TestAdapters.shapes(2));
        Adapter merged = ContinualMerge.merge(List.of(Lora.from(a), Lora.from(b), Lora.from(c)));
        assertEquals(4, merged.modules().size());
        List<Map<String, Dense.M>> dense = new ArrayList<>();
        for (InMemoryAdapter t : List.of(a, b, c)) {
            Map<String, Dense.M> d = new LinkedHashMap<>();
            for (String m : merged.modules()) {
                var spec = merged.module(m);
                d.put(m, t.type().names().contains(m) ? TestAdapters.dense(t, m) : Dense.zeros(spec.out(), spec.in()));
            }
            dense.add(d);
        }
        assertMatches(reference(dense, 0.5, false), merged);
    }

    @Test
    void theMergedNormIsTheMeanTaskNormAndLambdaIsTheRawNormOverIt() {
        List<InMemoryAdapter> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(TestAdapters.random("t" + i, 60 + i, TestAdapters.shapes(2)));
        }
        ContinualMerge m = ContinualMerge.start();
        double sum = 0;
        for (int i = 0; i < tasks.size(); i++) {
            m = m.fold(Lora.from(tasks.get(i)));
            double norm = globalNorm(dense(tasks.get(i)));
            sum += norm;
            assertEquals(norm, m.steps().get(i).taskNorm(), 1e-5 * norm);
            double mergedNorm = 0;
            for (String mod : m.adapter().modules()) {
                mergedNorm += Math.pow(Dense.frobenius(Dense.M.of(m.adapter().dense(mod))), 2);
            }
            assertEquals(
                    sum / (i + 1), Math.sqrt(mergedNorm), 1e-4 * norm, "‖merged‖ = mean task norm after step " + i);
        }
        // Nearly orthogonal random tasks: λ_t ≈ √t (the paper's empirical observation).
        assertEquals(Math.sqrt(3), m.lambda(), 0.35);
    }

    @Test
    void foldsReadEachNewAdapterAndNeverEarlierOnesOnceTheyAreInTheState() {
        TestAdapters.Counting a = new TestAdapters.Counting(TestAdapters.random("a", 70, TestAdapters.shapes(2)));
        TestAdapters.Counting b = new TestAdapters.Counting(TestAdapters.random("b", 71, TestAdapters.shapes(2)));
        TestAdapters.Counting c = new TestAdapters.Counting(TestAdapters.random("c", 72, TestAdapters.shapes(2)));
        ContinualMerge m = ContinualMerge.start().fold(Lora.from(a)).fold(Lora.from(b));
        int readsOfA = a.totalReads();
        int readsOfB = b.totalReads();
        m = m.fold(Lora.from(c));
        assertEquals(readsOfA, a.totalReads(), "the state holds what a contributed; a is not read again");
        assertEquals(readsOfB, b.totalReads());
        assertTrue(c.totalReads() > 0, "reads of c: " + c.totalReads());
        assertEquals("opcm(a, b, c)", m.adapter().label());
    }

    @Test
    void aRankCapBoundsTheStateAndIsTheBestApproximationOfTheExactStep() {
        List<InMemoryAdapter> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(TestAdapters.random("t" + i, 80 + i, TestAdapters.shapes(3)));
        }
        ContinualMerge capped = ContinualMerge.start().maxRank(4);
        for (InMemoryAdapter t : tasks) {
            capped = capped.fold(Lora.from(t));
        }
        for (String mod : tasks.get(0).type().names()) {
            assertTrue(
                    capped.adapter().module(mod).rank() <= 4,
                    mod + ": rank " + capped.adapter().module(mod).rank());
            double[] s = Dense.singularValues(Dense.M.of(capped.adapter().dense(mod)));
            assertTrue(s.length < 5 || s[4] < 1e-5 * s[0], mod + ": rank ≤ 4, σ = " + Arrays.toString(s));
        }
        // Two tasks: the capped state is the rank-4 truncation of the exact one, rescaled to the mean norm.
        ContinualMerge exact2 =
                ContinualMerge.start().fold(Lora.from(tasks.get(0))).fold(Lora.from(tasks.get(1)));
        ContinualMerge capped2 =
                ContinualMerge.start().maxRank(4).fold(Lora.from(tasks.get(0))).fold(Lora.from(tasks.get(1)));
        Adapter truncated = exact2.adapter().truncate(4);
        double ratio = exact2.lambda() / capped2.lambda();
        for (String mod : tasks.get(0).type().names()) {
            Dense.M expected = Dense.scale(Dense.M.of(truncated.dense(mod)), ratio);
            assertBelow(
                    Dense.relError(Dense.M.of(capped2.adapter().dense(mod)), expected), TOL, mod + ": relative error");
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        InMemoryAdapter a = TestAdapters.random("a", 1, TestAdapters.shapes(2));
        LoraException zero = assertThrows(
                LoraException.class,
                () -> ContinualMerge.start().fold(Lora.from(a).times(0)));
        assertTrue(zero.getMessage().contains("zero update"), zero.getMessage());
        assertThrows(LoraException.class, () -> ContinualMerge.start().alpha(1.0));
        assertThrows(LoraException.class, () -> ContinualMerge.start().maxRank(-1));
        assertThrows(LoraException.class, () -> ContinualMerge.start().adapter());
    }
}
