package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Statistics of routings whose choices are known by construction: tokens on the axes of a 4-feature module, a
 * gate whose logits are the features themselves (W = I) or prototypes on the axes.
 */
class RoutingStatsTest {
    static final int D = 4;
    static final List<Adapter> EXPERTS = IntStream.range(0, D)
            .mapToObj(
                    e -> Lora.from(TestAdapters.random("e" + e, e, List.of(new TestAdapters.Shape("m", 3, D, 2, 1.0)))))
            .toList();
    static final Tensor IDENTITY = Tensor.ofDoubles(
            DType.F32, new long[] {D, D}, new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});

    static Activations tokens(double[]... rows) {
        double[] v = new double[rows.length * D];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(rows[t], 0, v, t * D, D);
        }
        return Activations.of(Tensor.ofDoubles(DType.F32, new long[] {rows.length, D}, v));
    }

    @Test
    void skewedTopOneLoad() {
        double[] e0 = {1, 0.1, 0, 0};
        double[] e1 = {0, 1, 0.2, 0};
        Activations x = tokens(e0, e0, e0, e0, e0, e0, e1, e1);
        RoutingStats s = Route.of(EXPERTS)
                .gate(Gate.prototypes(IDENTITY))
                .topK(1)
                .apply("m", x)
                .stats();
        assertArrayEquals(new long[] {6, 2, 0, 0}, s.load());
        assertArrayEquals(new double[] {0.75, 0.25, 0, 0}, s.fractions(), 0);
        double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(h, s.entropy(), 1e-12);
        assertEquals(h / Math.log(4), s.normalizedEntropy(), 1e-12);
        // k = 1, weight 1: p_e = f_e, so E·Σ f_e² = 4·(0.5625 + 0.0625)
        assertEquals(2.5, s.balance(), 1e-12);
        assertEquals(6 / 2.0, s.maxOverMean(), 1e-12);
        assertEquals(0, s.meanTokenEntropy(), 0);
        assertEquals(List.of("e0", "e1", "e2", "e3"), s.labels());
    }

    @Test
    void evenLoadIsPerfectlyBalanced() {
        Activations x =
                tokens(new double[] {3, 1, 0, 0}, new double[] {0, 3, 1, 0}, new double[] {0, 0, 3, 1}, new double[] {
                    1, 0, 0, 3
                });
        RoutingStats s = Route.of(EXPERTS)
                .gate(Gate.linear(IDENTITY))
                .topK(2)
                .apply("m", x)
                .stats();
        assertArrayEquals(new long[] {2, 2, 2, 2}, s.load());
        assertEquals(Math.log(4), s.entropy(), 1e-12);
        assertEquals(1, s.normalizedEntropy(), 1e-12);
        assertEquals(1, s.balance(), 1e-6);
        assertEquals(1, s.maxOverMean(), 0);
        // each token: softmax over logits (3, 1): weights σ(2), σ(−2)
        double p = 1 / (1 + Math.exp(-2));
        assertEquals(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)), s.meanTokenEntropy(), 1e-6);
    }

    @Test
    void softmaxWeightsEnterTheBalanceFigure() {
        // tokens (2, 1, 0, 0) and (2, 0, 1, 0): top-2 {0, 1} and {0, 2} with weights (q, 1 − q), q = σ(1)
        Activations x = tokens(new double[] {2, 1, 0, 0}, new double[] {2, 0, 1, 0});
        Routing r = Route.of(EXPERTS).gate(Gate.linear(IDENTITY)).topK(2).apply("m", x);
        RoutingStats s = r.stats();
        double q = 1 / (1 + Math.exp(-1));
        assertEquals(q, r.selection().weight(0, 0), 1e-6);
        assertArrayEquals(new long[] {2, 1, 1, 0}, s.load());
        double[] f = {0.5, 0.25, 0.25, 0};
        double[] p = {q, (1 - q) / 2, (1 - q) / 2, 0};
        double balance = 0;
        for (int e = 0; e < D; e++) {
            balance += f[e] * p[e];
        }
        assertEquals(4 * balance, s.balance(), 1e-6);
        assertEquals(2 / 1.0, s.maxOverMean(), 1e-12);
    }

    @Test
    void jsonAndTextNameEveryExpert() {
        Activations x = tokens(new double[] {1, 0, 0, 0});
        Routing r = Route.of(EXPERTS).gate(Gate.prototypes(IDENTITY)).topK(1).apply("m", x);
        String json = r.toJson();
        assertEquals(true, json.contains("\"label\" : \"e3\"") && json.contains("\"balance\" : 4.0"), json);
        assertEquals(true, r.toString().contains("e0") && r.toString().contains("100.0%"), r.toString());
    }
}
