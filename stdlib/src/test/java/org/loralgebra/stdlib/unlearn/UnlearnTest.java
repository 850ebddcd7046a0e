package org.loralgebra.stdlib.unlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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

/** The unlearning update against −λ·(I − QQᵀ)·prune(ΔW_f) computed densely (Jacobi SVD, plain products). */
class UnlearnTest {
    private static final double TOL = 1e-4;

    private final InMemoryAdapter forget = TestAdapters.random("forget", 31, TestAdapters.shapes(5));
    private final InMemoryAdapter retain = TestAdapters.random("retain", 32, TestAdapters.shapes(4));
    private final InMemoryAdapter model = TestAdapters.random("model", 33, TestAdapters.shapes(3));

    /** The selected directions σᵢuᵢvᵢᵀ of F, summed. */
    static Dense.M pruned(DenseSvd f, int[] chosen) {
        Dense.M out = Dense.zeros(f.u().rows(), f.v().rows());
        for (int i : chosen) {
            Dense.M ui = column(f.u(), i);
            Dense.M vi = column(f.v(), i);
            out = Dense.add(out, Dense.mul(ui, Dense.transpose(vi)), f.s()[i]);
        }
        return out;
    }

    static Dense.M column(Dense.M m, int j) {
        double[] v = new double[m.rows()];
        for (int i = 0; i < m.rows(); i++) {
            v[i] = m.get(i, j);
        }
        return new Dense.M(m.rows(), 1, v);
    }

    /** Indices of the p directions whose uᵢ overlap span(Q) least, ascending. */
    static int[] leastOverlap(DenseSvd f, Dense.M q, int p) {
        List<Integer> idx = new ArrayList<>();
        int n = 0;
        while (n < f.s().length && f.s()[n] > 1e-9 * f.s()[0]) {
            idx.add(n++);
        }
        double[] overlap = new double[n];
        for (int i = 0; i < n; i++) {
            overlap[i] = Math.pow(Dense.frobenius(Dense.mul(Dense.transpose(q), column(f.u(), i))), 2);
        }
        idx.sort(Comparator.comparingDouble(i -> overlap[i]));
        int[] out = idx.subList(0, p).stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static void assertClose(Dense.M expected, Adapter actual, String module) {
        double err = Dense.relError(Dense.M.of(actual.dense(module)), expected);
        assertTrue(err < TOL, module + ": relative error " + err);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.7})
    void energyPruningThenProtectionThenNegationEqualsTheDenseFormula(double lambda) {
        Adapter update = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .lambda(lambda)
                .protectRank(2)
                .pruneRank(3)
                .update();
        for (String m : forget.type().names()) {
            DenseSvd f = DenseSvd.of(TestAdapters.dense(forget, m));
            Dense.M q = DenseSvd.firstColumns(
                    DenseSvd.of(TestAdapters.dense(retain, m)).u(), 2);
            Dense.M expected = Dense.scale(DenseSvd.projectOffLeft(q, pruned(f, new int[] {0, 1, 2})), -lambda);
            assertClose(expected, update, m);
            double residual = Dense.frobenius(Dense.mul(Dense.transpose(q), Dense.M.of(update.dense(m))));
            assertTrue(residual < 1e-5 * Dense.frobenius(expected), m + ": ‖QᵀΔW‖ = " + residual);
        }
        assertEquals(3, update.module("layers.0.q").rank());
    }

    @Test
    void leastOverlapPruningPicksTheDirectionsFarthestFromTheRetainSubspace() {
        Unlearn u = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .protectRank(3)
                .pruneRank(2)
                .pruning(Pruning.leastRetainOverlap());
        Adapter update = u.update();
        boolean differsFromEnergy = false;
        for (String m : forget.type().names()) {
            DenseSvd f = DenseSvd.of(TestAdapters.dense(forget, m));
            Dense.M q = DenseSvd.firstColumns(
                    DenseSvd.of(TestAdapters.dense(retain, m)).u(), 3);
            int[] chosen = leastOverlap(f, q, 2);
            differsFromEnergy |= !Arrays.equals(chosen, new int[] {0, 1});
            assertClose(Dense.scale(DenseSvd.projectOffLeft(q, pruned(f, chosen)), -1), update, m);
        }
        assertTrue(differsFromEnergy, "on these seeds the two prunings choose differently somewhere");
    }

    @Test
    void ontoAddsTheUpdateToTheModelsAdapter() {
        Unlearn u = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .protectRank(2)
                .onto(Lora.from(model));
        Adapter result = u.adapter();
        for (String m : forget.type().names()) {
            Dense.M q = DenseSvd.firstColumns(
                    DenseSvd.of(TestAdapters.dense(retain, m)).u(), 2);
            Dense.M update = Dense.scale(DenseSvd.projectOffLeft(q, TestAdapters.dense(forget, m)), -1);
            assertClose(Dense.add(TestAdapters.dense(model, m), update, 1), result, m);
        }
    }

    @Test
    void withoutRetainOrProtectionItIsTheNegatedPrunedForgetUpdate() {
        Adapter plain = Unlearn.of(Lora.from(forget)).lambda(2).update();
        Adapter unprotected = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .protectRank(0)
                .pruneRank(1)
                .update();
        for (String m : forget.type().names()) {
            assertClose(Dense.scale(TestAdapters.dense(forget, m), -2), plain, m);
            DenseSvd f = DenseSvd.of(TestAdapters.dense(forget, m));
            assertClose(Dense.scale(pruned(f, new int[] {0}), -1), unprotected, m);
        }
        UnlearnReport r = Unlearn.of(Lora.from(forget)).pruneRank(2).report();
        assertTrue(r.rows().stream().allMatch(row -> Double.isNaN(row.overlapForget())), "no retain: no overlap");
        assertTrue(r.toJson().contains("\"overlap_forget\" : null"), r.toJson());
    }

    @Test
    void theStepsComposeToTheRecipe() {
        Adapter steps = Unlearn.negate(
                Unlearn.protect(
                        Unlearn.prune(Lora.from(forget), Optional.of(Lora.from(retain)), 3, Pruning.energy(), 2),
                        Lora.from(retain),
                        2),
                1.5);
        Adapter recipe = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .protectRank(2)
                .pruneRank(3)
                .lambda(1.5)
                .update();
        for (String m : forget.type().names()) {
            assertBelow(
                    Dense.relError(Dense.M.of(steps.dense(m)), Dense.M.of(recipe.dense(m))),
                    1e-6,
                    m + ": relative error");
        }
    }

    @Test
    void reportEnergiesAndOverlapsMatchDenseValues() {
        UnlearnReport r = Unlearn.of(Lora.from(forget))
                .retain(Lora.from(retain))
                .protectRank(2)
                .pruneRank(3)
                .report();
        assertEquals(3, r.rows().size());
        double totalForget = 0;
        double totalRemoved = 0;
        for (UnlearnReport.Row row : r.rows()) {
            Dense.M f = TestAdapters.dense(forget, row.module());
            DenseSvd svd = DenseSvd.of(f);
            Dense.M q = DenseSvd.firstColumns(
                    DenseSvd.of(TestAdapters.dense(retain, row.module())).u(), 2);
            Dense.M p = pruned(svd, new int[] {0, 1, 2});
            Dense.M removed = DenseSvd.projectOffLeft(q, p);
            double fe = Math.pow(Dense.frobenius(f), 2);
            assertEquals(fe, row.forgetEnergy(), 1e-5 * fe);
            assertEquals(Math.pow(Dense.frobenius(p), 2), row.prunedEnergy(), 1e-5 * fe);
            assertEquals(Math.pow(Dense.frobenius(removed), 2), row.removedEnergy(), 1e-5 * fe);
            assertEquals(
                    Math.pow(Dense.frobenius(Dense.mul(Dense.transpose(q), f)), 2) / fe, row.overlapForget(), 1e-5);
            assertBelow(row.overlapRemoved(), 1e-9, row.toString());
            totalForget += fe;
            totalRemoved += Math.pow(Dense.frobenius(removed), 2);
        }
        assertEquals(totalRemoved / totalForget, r.removedFraction(), 1e-5);
        assertTrue(r.toString().contains("layers.1.mlp"));
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        Unlearn u = Unlearn.of(Lora.from(forget));
        assertTrue(assertThrows(LoraException.class, () -> u.lambda(0))
                .getMessage()
                .contains("lambda"));
        assertTrue(assertThrows(LoraException.class, () -> u.lambda(Double.NaN))
                .getMessage()
                .contains("lambda"));
        assertTrue(assertThrows(LoraException.class, () -> u.pruneRank(0))
                .getMessage()
                .contains("prune rank"));
        assertTrue(assertThrows(LoraException.class, () -> u.protectRank(-1))
                .getMessage()
                .contains("protect rank"));
        assertTrue(assertThrows(LoraException.class, () -> Pruning.parse("random"))
                .getMessage()
                .contains("least-overlap"));
    }
}
