package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.stdlib.DenseSvd;
import org.loralgebra.stdlib.FactorSvd;

/** Principal angles against singular values of Q_aᵀQ_b computed densely (Jacobi) from independent bases. */
class SubspaceComparisonTest {
    private static double[] denseCosines(Dense.M qa, Dense.M qb) {
        return Dense.singularValues(Dense.mul(Dense.transpose(qa), qb));
    }

    @Test
    void anglesMatchTheDenseComputation() {
        InMemoryAdapter a = TestAdapters.random("a", 11, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 12, TestAdapters.shapes(3));
        for (Side side : new Side[] {Side.OUTPUT, Side.INPUT}) {
            SubspaceComparison c = SubspaceComparison.of(Lora.from(a), Lora.from(b), side, 3, 2);
            assertEquals(3, c.modules().size());
            for (String m : a.type().names()) {
                DenseSvd sa = DenseSvd.of(TestAdapters.dense(a, m));
                DenseSvd sb = DenseSvd.of(TestAdapters.dense(b, m));
                Dense.M qa = DenseSvd.firstColumns(side == Side.OUTPUT ? sa.u() : sa.v(), 3);
                Dense.M qb = DenseSvd.firstColumns(side == Side.OUTPUT ? sb.u() : sb.v(), 2);
                double[] expected = denseCosines(qa, qb);
                PrincipalAngles got = c.module(m).orElseThrow();
                assertEquals(2, got.cosines().length);
                double phi = 0;
                for (int i = 0; i < 2; i++) {
                    assertEquals(expected[i], got.cosines()[i], 1e-5, m + " " + side + " cos θ" + i);
                    phi += expected[i] * expected[i] / 2;
                }
                assertEquals(phi, got.overlap(), 1e-5);
            }
        }
    }

    @Test
    void anAdapterSharesEveryDirectionWithItselfAndNoneAfterOrthogonalization() {
        Adapter a = Lora.from(TestAdapters.random("a", 13, TestAdapters.shapes(4)));
        Adapter b = Lora.from(TestAdapters.random("b", 14, TestAdapters.shapes(4)));
        SubspaceComparison self = SubspaceComparison.of(a, a.times(-3), Side.OUTPUT, SubspaceComparison.ALL);
        self.modules().forEach(m -> assertEquals(1.0, m.overlap(), 1e-5, m.toString()));
        Adapter clean = Orthogonalize.of(a).against(b).side(Side.INPUT).adapter();
        SubspaceComparison after = SubspaceComparison.of(clean, b, Side.INPUT, SubspaceComparison.ALL);
        after.modules().forEach(m -> {
            assertBelow(m.overlap(), 1e-9, m + ": overlap");
            assertAbove(m.smallestDegrees(), 89.99, m + ": smallest angle in degrees");
        });
        assertTrue(after.toString().contains("layers.0.v") && after.toJson().contains("\"degrees\""));
        assertThrows(LoraException.class, () -> SubspaceComparison.of(a, b, Side.BOTH, 2));
        Adapter wrong = Lora.from(
                TestAdapters.random("wrong", 15, List.of(new TestAdapters.Shape("layers.0.q", 7, 10, 2, 1.0))));
        AdapterTypeException e =
                assertThrows(AdapterTypeException.class, () -> SubspaceComparison.of(a, wrong, Side.OUTPUT, 2));
        assertTrue(e.getMessage().contains("'wrong'") && e.getMessage().contains("layers.0.q"), e.getMessage());
    }

    @Test
    void realAdaptersAnglesMatchGramSchmidtBasesOfTheirFactors() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));
        SubspaceComparison out = SubspaceComparison.of(imdb, emotion, Side.OUTPUT, SubspaceComparison.ALL);
        SubspaceComparison in = SubspaceComparison.of(imdb, emotion, Side.INPUT, SubspaceComparison.ALL);
        assertEquals(12, out.modules().size());
        for (String m : imdb.modules()) {
            FactorSvd x = FactorSvd.of(imdb, m);
            FactorSvd y = FactorSvd.of(emotion, m);
            // Full-rank factors: the update's column space is span(B), its row space span(Aᵀ).
            double[] cosOut = denseCosines(DenseSvd.orthonormalColumns(x.b()), DenseSvd.orthonormalColumns(y.b()));
            double[] cosIn = denseCosines(
                    DenseSvd.orthonormalColumns(Dense.transpose(x.a())),
                    DenseSvd.orthonormalColumns(Dense.transpose(y.a())));
            for (int i = 0; i < 8; i++) {
                assertEquals(cosOut[i], out.module(m).orElseThrow().cosines()[i], 1e-4, m + " output cos θ" + i);
                assertEquals(cosIn[i], in.module(m).orElseThrow().cosines()[i], 1e-4, m + " input cos θ" + i);
            }
        }
    }
}
