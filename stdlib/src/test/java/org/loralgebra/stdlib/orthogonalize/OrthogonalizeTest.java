package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.stdlib.DenseSvd;

/** Orthogonalization against dense projections computed independently (Jacobi SVD, Gram–Schmidt). */
class OrthogonalizeTest {
    private static final double TOL = 1e-4;

    private final InMemoryAdapter x = TestAdapters.random("x", 1, TestAdapters.shapes(5));
    private final InMemoryAdapter b1 = TestAdapters.random("b1", 2, TestAdapters.shapes(4));
    private final InMemoryAdapter b2 = TestAdapters.random("b2", 3, TestAdapters.shapes(3));

    private static Dense.M left(InMemoryAdapter a, String m, int k) {
        DenseSvd svd = DenseSvd.of(TestAdapters.dense(a, m));
        return DenseSvd.firstColumns(svd.u(), k);
    }

    private static Dense.M right(InMemoryAdapter a, String m, int k) {
        DenseSvd svd = DenseSvd.of(TestAdapters.dense(a, m));
        return DenseSvd.firstColumns(svd.v(), k);
    }

    private static void assertClose(Dense.M expected, Adapter actual, String module) {
        double err = Dense.relError(Dense.M.of(actual.dense(module)), expected);
        assertTrue(err < TOL, module + ": relative error " + err);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void oneBaseEqualsTheDenseProjection(Side side) {
        Adapter out = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1))
                .side(side)
                .rank(2)
                .adapter();
        for (String m : x.type().names()) {
            Dense.M expected = TestAdapters.dense(x, m);
            if (side.output()) {
                expected = DenseSvd.projectOffLeft(left(b1, m, 2), expected);
            }
            if (side.input()) {
                expected = DenseSvd.projectOffRight(expected, right(b1, m, 2));
            }
            assertClose(expected, out, m);
        }
    }

    @Test
    void oneFullRankBaseAgreesWithAdapterProject() {
        Adapter ours = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1))
                .side(Side.BOTH)
                .rank(3)
                .adapter();
        Adapter core = Lora.from(x).project(Lora.from(b1), Side.BOTH, 3);
        for (String m : x.type().names()) {
            assertBelow(
                    Dense.relError(Dense.M.of(ours.dense(m)), Dense.M.of(core.dense(m))), TOL, m + ": relative error");
        }
    }

    @Test
    void severalBasesAreRemovedJointlyLeavingNoComponentInAny() {
        Adapter out = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1), Lora.from(b2))
                .rank(3)
                .adapter();
        for (String m : x.type().names()) {
            Dense.M u1 = left(b1, m, 3);
            Dense.M u2 = left(b2, m, 3);
            // Independent: Gram–Schmidt on the concatenated bases.
            Dense.M q = DenseSvd.orthonormalColumns(hcat(u1, u2));
            assertEquals(6, q.cols(), "random 3-dim subspaces of R^" + u1.rows() + " are independent");
            assertClose(DenseSvd.projectOffLeft(q, TestAdapters.dense(x, m)), out, m);
            Dense.M result = Dense.M.of(out.dense(m));
            double norm = Dense.frobenius(result);
            assertBelow(Dense.frobenius(Dense.mul(Dense.transpose(u1), result)), TOL * norm, m + ": ‖U₁ᵀΔW'‖");
            assertBelow(Dense.frobenius(Dense.mul(Dense.transpose(u2), result)), TOL * norm, m + ": ‖U₂ᵀΔW'‖");
            // Projecting off each base in turn would leave a component in the first one.
            Dense.M sequential = DenseSvd.projectOffLeft(u2, DenseSvd.projectOffLeft(u1, TestAdapters.dense(x, m)));
            assertAbove(
                    Dense.frobenius(Dense.mul(Dense.transpose(u1), sequential)),
                    1e-3 * norm,
                    m
                            + ": the naive sequential projection is not orthogonal to U₁ (so the joint basis matters), ‖U₁ᵀΔW'‖");
        }
        Adapter swapped = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b2), Lora.from(b1))
                .rank(3)
                .adapter();
        for (String m : x.type().names()) {
            assertBelow(
                    Dense.relError(Dense.M.of(swapped.dense(m)), Dense.M.of(out.dense(m))),
                    TOL,
                    m + ": order of bases, relative error");
        }
    }

    @Test
    void sharedDirectionsAreCountedOnce() {
        Adapter once =
                Orthogonalize.of(Lora.from(x)).against(Lora.from(b1)).rank(3).adapter();
        Adapter twice = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1), Lora.from(b1).times(-2))
                .rank(3)
                .adapter();
        for (String m : x.type().names()) {
            assertBelow(
                    Dense.relError(Dense.M.of(twice.dense(m)), Dense.M.of(once.dense(m))), TOL, m + ": relative error");
        }
    }

    @Test
    void nearlyParallelSubspacesAreBothRemoved() {
        // b1 tilted by a small multiple of b2: top-3 subspaces meeting at angles of order 1e-4 (as a real adapter and
        // a truncated blend of it do). Dropping such an angle as "numerically zero" leaves that much of the
        // update inside the tilted base.
        Adapter tilted = Lora.from(b1).plus(Lora.from(b2).times(3e-4));
        Adapter out = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1), tilted)
                .rank(3)
                .adapter();
        for (String m : x.type().names()) {
            Dense.M u1 = left(b1, m, 3);
            Dense.M u2 = DenseSvd.firstColumns(
                    DenseSvd.of(Dense.M.of(tilted.dense(m))).u(), 3);
            double smallest = DenseSvd.of(hcat(u1, u2)).s()[5];
            assertTrue(
                    smallest > 1e-5 && smallest < 1e-3, m + ": the subspaces meet at a small angle, σ = " + smallest);
            Dense.M result = Dense.M.of(out.dense(m));
            double norm = Dense.frobenius(result);
            assertBelow(Dense.frobenius(Dense.mul(Dense.transpose(u1), result)), 1e-5 * norm, m + ": ‖U₁ᵀΔW'‖");
            assertBelow(Dense.frobenius(Dense.mul(Dense.transpose(u2), result)), 1e-5 * norm, m + ": ‖U₂ᵀΔW'‖");
        }
    }

    @Test
    void zeroSingularValuesSpanNoDirection() {
        // b1 + (a second copy of b1): a rank-8 factorization of the rank-4 update 2·ΔW₁.
        Adapter deficient = Lora.from(b1).plus(Lora.from(TestAdapters.random("b1 again", 2, TestAdapters.shapes(4))));
        Adapter out = Orthogonalize.of(Lora.from(x)).against(deficient).rank(8).adapter();
        Adapter core = Lora.from(x).project(deficient, Side.OUTPUT, 8);
        boolean coreDiffers = false;
        for (String m : x.type().names()) {
            Dense.M expected = DenseSvd.projectOffLeft(left(b1, m, 4), TestAdapters.dense(x, m));
            assertClose(expected, out, m);
            coreDiffers |= Dense.relError(Dense.M.of(core.dense(m)), expected) > 1e-2;
        }
        assertTrue(coreDiffers, "Adapter.project also removes the arbitrary vectors of the zero singular values");
    }

    @Test
    void modulesABaseLacksAreUnchangedAndShapesAreChecked() {
        InMemoryAdapter partial =
                TestAdapters.random("partial", 9, List.of(new TestAdapters.Shape("layers.0.q", 12, 10, 2, 1.0)));
        Adapter out = Orthogonalize.of(Lora.from(x)).against(Lora.from(partial)).adapter();
        assertEquals(x.type().names(), out.modules());
        assertClose(TestAdapters.dense(x, "layers.1.mlp"), out, "layers.1.mlp");
        assertClose(
                DenseSvd.projectOffLeft(left(partial, "layers.0.q", 2), TestAdapters.dense(x, "layers.0.q")),
                out,
                "layers.0.q");
        InMemoryAdapter wrong =
                TestAdapters.random("wrong", 9, List.of(new TestAdapters.Shape("layers.0.q", 7, 10, 2, 1.0)));
        AdapterTypeException e = assertThrows(
                AdapterTypeException.class,
                () -> Orthogonalize.of(Lora.from(x)).against(Lora.from(wrong)).adapter());
        assertTrue(e.getMessage().contains("'wrong'") && e.getMessage().contains("layers.0.q"), e.getMessage());
        assertThrows(LoraException.class, () -> Orthogonalize.of(Lora.from(x)).against(List.of()));
        assertThrows(LoraException.class, () -> Orthogonalize.of(Lora.from(x)).adapter(), "no bases named");
        assertThrows(
                LoraException.class,
                () -> Orthogonalize.of(Lora.from(x)).against(Lora.from(b1)).rank(0));
    }

    @Test
    void reportMeasuresEnergyInsideEachBaseBeforeAndAfter() {
        OrthogonalizeReport r = Orthogonalize.of(Lora.from(x))
                .against(Lora.from(b1), Lora.from(b2))
                .side(Side.BOTH)
                .rank(2)
                .report();
        assertEquals(3 * 2 * 2, r.rows().size(), "3 modules × 2 bases × 2 sides");
        for (OrthogonalizeReport.Row row : r.rows()) {
            InMemoryAdapter base = row.base().equals("b1") ? b1 : b2;
            Dense.M dw = TestAdapters.dense(x, row.module());
            Dense.M q = row.side() == Side.OUTPUT ? left(base, row.module(), 2) : right(base, row.module(), 2);
            Dense.M inside = row.side() == Side.OUTPUT ? Dense.mul(Dense.transpose(q), dw) : Dense.mul(dw, q);
            double expected = Math.pow(Dense.frobenius(inside) / Dense.frobenius(dw), 2);
            assertEquals(expected, row.energyBefore(), 1e-5, row.toString());
            assertBelow(row.energyAfter(), 1e-8, row.toString());
            assertEquals(90.0, row.anglesAfter().smallestDegrees(), 0.05, row.toString());
            assertBelow(
                    row.anglesBefore().smallestDegrees(),
                    89,
                    "random subspaces in R^9..14 are not orthogonal: smallest angle in degrees");
        }
        assertTrue(r.toString().contains("layers.1.mlp") && r.toJson().contains("\"energy_after\""));
    }

    private static Dense.M hcat(Dense.M a, Dense.M b) {
        double[] v = new double[a.rows() * (a.cols() + b.cols())];
        int c = a.cols() + b.cols();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                v[i * c + j] = a.get(i, j);
            }
            for (int j = 0; j < b.cols(); j++) {
                v[i * c + a.cols() + j] = b.get(i, j);
            }
        }
        return new Dense.M(a.rows(), c, v);
    }
}
