package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.graph.ModuleFilter;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Side;
import org.loralgebra.lang.Split;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;

/** Every primitive against dense arithmetic on random small adapters (several seeds each). */
class AdapterAlgebraTest {
    private static final double TOL = 2e-5;

    private static void assertClose(Dense.M expected, DenseMatrix actual, double tol, String what) {
        double err = Dense.relError(Dense.M.of(actual), expected);
        assertTrue(err < tol, what + ": relative error " + err);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void linearCombinationsEqualDenseArithmetic(long seed) {
        InMemoryAdapter a = TestAdapters.random("a", seed, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", seed + 100, TestAdapters.shapes(3));
        Adapter x = Lora.from(a);
        Adapter y = Lora.from(b);
        Adapter expr = x.plus(y.times(0.5)).minus(y).unaryMinus();
        for (String m : a.type().names()) {
            Dense.M expected = Dense.scale(Dense.add(TestAdapters.dense(a, m), TestAdapters.dense(b, m), -0.5), -1);
            assertClose(expected, expr.dense(m), TOL, m);
        }
        assertEquals(4 + 3 + 3, expr.module("layers.0.q").rank(), "sum ranks concatenate before planning");
        Adapter weighted = Lora.sum(new double[] {2, -3}, x, y);
        for (String m : a.type().names()) {
            Dense.M expected = Dense.add(Dense.scale(TestAdapters.dense(a, m), 2), TestAdapters.dense(b, m), -3);
            assertClose(expected, weighted.dense(m), TOL, m);
        }
    }

    @Test
    void moduleInOneOperandOnlyIsKept() {
        InMemoryAdapter a = TestAdapters.random("a", 5, TestAdapters.shapes(2));
        InMemoryAdapter b = TestAdapters.random(
                "b",
                6,
                List.of(
                        new TestAdapters.Shape("layers.0.q", 12, 10, 3, 1.0),
                        new TestAdapters.Shape("layers.7.extra", 5, 6, 2, 1.0)));
        Adapter sum = Lora.from(a).plus(Lora.from(b));
        assertEquals(4, sum.modules().size());
        assertClose(TestAdapters.dense(b, "layers.7.extra"), sum.dense("layers.7.extra"), TOL, "only in b");
        assertClose(TestAdapters.dense(a, "layers.1.mlp"), sum.dense("layers.1.mlp"), TOL, "only in a");
    }

    @Test
    void sameModuleWithDifferentShapesIsATypeErrorNamingBothSides() {
        InMemoryAdapter a = TestAdapters.random("first", 5, TestAdapters.shapes(2));
        InMemoryAdapter b =
                TestAdapters.random("second", 6, List.of(new TestAdapters.Shape("layers.0.q", 7, 10, 3, 1.0)));
        AdapterTypeException e =
                assertThrows(AdapterTypeException.class, () -> Lora.from(a).plus(Lora.from(b)));
        assertTrue(
                e.getMessage().contains("'first'")
                        && e.getMessage().contains("'second'")
                        && e.getMessage().contains("layers.0.q")
                        && e.getMessage().contains("[12, 10]")
                        && e.getMessage().contains("[7, 10]"),
                e.getMessage());
    }

    @Test
    void differentBaseModelsFailWhenBuilt() {
        InMemoryAdapter a = TestAdapters.random("a", 1, TestAdapters.shapes(2), "org/model-a");
        InMemoryAdapter b = TestAdapters.random("b", 2, TestAdapters.shapes(2), "org/model-b");
        AdapterTypeException e =
                assertThrows(AdapterTypeException.class, () -> Lora.from(a).minus(Lora.from(b)));
        assertTrue(e.getMessage().contains("org/model-a") && e.getMessage().contains("org/model-b"), e.getMessage());
        Adapter renamed = Lora.from(a).minus(Lora.from(b).withBaseModel("org/model-a"));
        assertEquals("org/model-a", renamed.type().baseModel().orElseThrow());
        assertClose(
                Dense.add(TestAdapters.dense(a, "layers.0.q"), TestAdapters.dense(b, "layers.0.q"), -1),
                renamed.select("q").dense("layers.0.q"),
                TOL,
                "renamed base model");
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void decompositionReconstructsTheUpdateWithOrthonormalFactors(long seed) {
        InMemoryAdapter a = TestAdapters.random("a", seed, TestAdapters.shapes(5));
        Decomposition d = Lora.from(a).decompose();
        for (String m : a.type().names()) {
            Decomposition.ModuleDecomposition md = d.module(m);
            Dense.M u = Dense.M.of(md.u());
            Dense.M v = Dense.M.of(md.v());
            double[] s = md.s();
            Dense.M us = Dense.mul(u, diag(s));
            assertClose(
                    TestAdapters.dense(a, m),
                    new DenseMatrix(
                            u.rows(),
                            v.rows(),
                            Dense.mul(us, Dense.transpose(v)).v()),
                    1e-5,
                    m + " U S Vᵀ");
            assertBelow(
                    Dense.relError(Dense.mul(Dense.transpose(u), u), Dense.identity(s.length)), 1e-5, m + ": UᵀU = I");
            assertBelow(
                    Dense.relError(Dense.mul(Dense.transpose(v), v), Dense.identity(s.length)), 1e-5, m + ": VᵀV = I");
            double[] reference = Dense.singularValues(TestAdapters.dense(a, m));
            for (int i = 0; i < s.length; i++) {
                assertEquals(reference[i], s[i], 1e-5 * reference[0], m + " σ" + i);
            }
            for (int i = s.length; i < reference.length; i++) {
                assertEquals(0, reference[i], 1e-9 * reference[0], "rank-" + s.length + " update has no more values");
            }
        }
    }

    private static Dense.M diag(double[] s) {
        Dense.M d = Dense.zeros(s.length, s.length);
        for (int i = 0; i < s.length; i++) {
            d.v()[i * s.length + i] = s[i];
        }
        return d;
    }

    @Test
    void spectrumOfASumEqualsTheDenseSpectrumOfTheSummedUpdates() {
        InMemoryAdapter a = TestAdapters.random("a", 21, TestAdapters.shapes(3));
        InMemoryAdapter b = TestAdapters.random("b", 22, TestAdapters.shapes(4));
        Spectrum s = Lora.from(a).plus(Lora.from(b).times(-0.25)).spectrum();
        for (String m : a.type().names()) {
            double[] ref = Dense.singularValues(Dense.add(TestAdapters.dense(a, m), TestAdapters.dense(b, m), -0.25));
            double[] got = s.module(m);
            assertEquals(7, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(ref[i], got[i], 1e-5 * ref[0], m + " σ" + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void truncateIsTheBestApproximationOfThatRank(int k) {
        InMemoryAdapter a = TestAdapters.random("a", 31, TestAdapters.shapes(6));
        Adapter t = Lora.from(a).truncate(Rank.of(k));
        for (String m : a.type().names()) {
            Dense.M full = TestAdapters.dense(a, m);
            double[] s = Dense.singularValues(full);
            double tail = 0;
            for (int i = k; i < s.length; i++) {
                tail += s[i] * s[i];
            }
            Dense.M approx = Dense.M.of(t.dense(m));
            double err = Dense.frobenius(Dense.add(full, approx, -1));
            assertEquals(Math.sqrt(tail), err, 1e-4 * s[0], m + ": Eckart–Young error is the spectrum's tail");
            assertEquals(k, t.module(m).rank());
            double[] kept = Dense.singularValues(approx);
            for (int i = 0; i < k; i++) {
                assertEquals(s[i], kept[i], 1e-5 * s[0]);
            }
        }
    }

    @Test
    void splitsGiveTheSameUpdate() {
        InMemoryAdapter a = TestAdapters.random("a", 41, TestAdapters.shapes(5));
        Adapter balanced = Lora.from(a).truncate(Rank.of(3), Split.BALANCED);
        Adapter onB = Lora.from(a).truncate(Rank.of(3), Split.ALL_ON_B);
        for (String m : a.type().names()) {
            assertClose(Dense.M.of(balanced.dense(m)), onB.dense(m), 1e-5, m);
        }
    }

    @Test
    void energyAndThresholdRanksFollowTheirDefinitions() {
        InMemoryAdapter a = TestAdapters.random("a", 51, TestAdapters.shapes(6));
        Spectrum full = Lora.from(a).spectrum();
        Adapter energy = Lora.from(a).truncate(Rank.energy(0.9)).eval();
        for (String m : a.type().names()) {
            double[] s = full.module(m);
            double total = 0;
            for (double x : s) {
                total += x * x;
            }
            int k = 0;
            double kept = 0;
            while (kept < 0.9 * total) {
                kept += s[k] * s[k];
                k++;
            }
            assertEquals(k, energy.module(m).rank(), m);
        }
        String m = "layers.0.q";
        double[] s = full.module(m);
        double t = (s[1] + s[2]) / 2;
        assertEquals(
                2, Lora.from(a).truncate(Rank.threshold(t)).eval().module(m).rank());
        Rank per = Rank.perModule(Map.of("mlp", Rank.of(1)), Rank.of(2));
        Adapter pm = Lora.from(a).truncate(per).eval();
        assertEquals(1, pm.module("layers.1.mlp").rank());
        assertEquals(2, pm.module("layers.0.v").rank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"OUTPUT", "INPUT", "BOTH"})
    void projectionRemovesTheOtherSubspaceExactly(String sideName) {
        Side side = Side.valueOf(sideName);
        InMemoryAdapter a = TestAdapters.random("a", 61, TestAdapters.shapes(4));
        InMemoryAdapter o = TestAdapters.random("o", 62, TestAdapters.shapes(5));
        int k = 3;
        Adapter p = Lora.from(a).project(Lora.from(o), side, k);
        Decomposition od = Lora.from(o).decompose();
        for (String m : a.type().names()) {
            Decomposition.ModuleDecomposition d = od.module(m);
            Dense.M u = firstColumns(Dense.M.of(d.u()), k);
            Dense.M v = firstColumns(Dense.M.of(d.v()), k);
            Dense.M delta = TestAdapters.dense(a, m);
            Dense.M expected = delta;
            if (side.output()) {
                expected = Dense.add(expected, Dense.mul(u, Dense.mul(Dense.transpose(u), expected)), -1);
            }
            if (side.input()) {
                expected = Dense.add(expected, Dense.mul(Dense.mul(expected, v), Dense.transpose(v)), -1);
            }
            assertClose(expected, p.dense(m), 1e-4, m);
            Dense.M got = Dense.M.of(p.dense(m));
            if (side.output()) {
                assertBelow(
                        Dense.frobenius(Dense.mul(Dense.transpose(u), got)),
                        1e-4 * Dense.frobenius(delta),
                        m + ": ‖Uᵀ·ΔW'‖ against 1e-4·‖ΔW‖");
            }
        }
    }

    private static Dense.M firstColumns(Dense.M a, int k) {
        double[] v = new double[a.rows() * k];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < k; j++) {
                v[i * k + j] = a.get(i, j);
            }
        }
        return new Dense.M(a.rows(), k, v);
    }

    @Test
    void concatenationEqualsSummationAndRankOrderDoesNotMatter() {
        InMemoryAdapter a = TestAdapters.random("a", 71, TestAdapters.shapes(3));
        InMemoryAdapter b = TestAdapters.random("b", 72, TestAdapters.shapes(2));
        Adapter sum = Lora.from(a).plus(Lora.from(b)).eval();
        Adapter swapped = Lora.from(b).plus(Lora.from(a)).eval();
        for (String m : a.type().names()) {
            Dense.M expected = Dense.add(TestAdapters.dense(a, m), TestAdapters.dense(b, m), 1);
            assertClose(expected, sum.dense(m), TOL, m + " [B1|B2][A1;A2] = B1A1 + B2A2");
            assertClose(expected, swapped.dense(m), TOL, m + " permuted ranks");
            double[] s1 = sum.spectrum().module(m);
            double[] s2 = swapped.spectrum().module(m);
            for (int i = 0; i < s1.length; i++) {
                assertEquals(s1[i], s2[i], 1e-5 * s1[0]);
            }
        }
    }

    @Test
    void selectKeepsMatchingModules() {
        InMemoryAdapter a = TestAdapters.random("a", 81, TestAdapters.shapes(2));
        assertEquals(List.of("layers.0.q"), List.copyOf(Lora.from(a).select("q").modules()));
        assertEquals(
                List.of("layers.0.q", "layers.0.v"),
                List.copyOf(Lora.from(a).select("layers.0.*").modules()));
        assertEquals(List.of("layers.1.mlp"), List.copyOf(Lora.from(a).layers(1).modules()));
        assertEquals(
                2,
                Lora.from(a)
                        .select(ModuleFilter.regex(".*\\.(q|mlp)"))
                        .modules()
                        .size());
        AdapterTypeException e =
                assertThrows(AdapterTypeException.class, () -> Lora.from(a).select("nothing*"));
        assertTrue(e.getMessage().contains("matched no module"), e.getMessage());
    }

    @Test
    void evalHoldsTheSameUpdate() {
        InMemoryAdapter a = TestAdapters.random("a", 91, TestAdapters.shapes(3));
        Adapter e = Lora.from(a).times(3).eval();
        for (String m : a.type().names()) {
            assertClose(Dense.scale(TestAdapters.dense(a, m), 3), e.dense(m), TOL, m);
        }
        assertArrayEquals(
                Lora.from(a).times(3).spectrum().module("layers.0.q"),
                e.spectrum().module("layers.0.q"),
                1e-4);
    }
}
