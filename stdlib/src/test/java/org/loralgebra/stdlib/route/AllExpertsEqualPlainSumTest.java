package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * With k = all and unit weights a route is no route: adapter experts give X·(Σ_i ΔW_i)ᵀ and rank experts give
 * X·ΔWᵀ, checked against the dense updates computed independently (TestAdapters.dense).
 */
class AllExpertsEqualPlainSumTest {
    static final String M = RouteMatchesLoopReferenceTest.MODULE;
    static final int IN = RouteMatchesLoopReferenceTest.IN;
    static final int T = 32;

    private static double[] times(double[] x, Dense.M deltaW) {
        Dense.M xm = new Dense.M(T, IN, x);
        return Dense.mul(xm, Dense.transpose(deltaW)).v();
    }

    @Test
    void adaptersWithEveryExpertSelectedGiveTheSumOfTheirUpdates() {
        double[] x = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(T * IN, 3, 1));
        Dense.M sum = null;
        for (var a : RouteMatchesLoopReferenceTest.ADAPTERS) {
            Dense.M d = TestAdapters.dense(a, M);
            sum = sum == null ? d : Dense.add(sum, d, 1);
        }
        double[] expected = times(x, sum);
        List<Adapter> experts = RouteMatchesLoopReferenceTest.adapters();
        Activations acts = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {T, IN}, x));
        for (Gate gate : List.of(
                Gate.fly(),
                Gate.prototypes(Tensor.ofDoubles(
                        DType.F32, new long[] {4, IN}, RouteMatchesLoopReferenceTest.gaussian(4 * IN, 9, 1))))) {
            for (Execution how : Execution.values()) {
                Routing r = Route.of(experts)
                        .gate(gate)
                        .topK(experts.size())
                        .execution(how)
                        .apply(M, acts);
                double err = LoopReference.relativeError(r.outputValues(), expected);
                assertTrue(err <= 1e-5, gate + " " + how + ": relative error " + err);
            }
        }
    }

    @Test
    void ranksWithEveryRankSelectedGiveTheAdaptersUpdate() {
        double[] x = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(T * IN, 4, 1));
        double[] expected = times(x, TestAdapters.dense(RouteMatchesLoopReferenceTest.RANKED, M));
        Activations acts = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {T, IN}, x));
        for (Execution how : Execution.values()) {
            Routing r = Route.ofRanks(Lora.from(RouteMatchesLoopReferenceTest.RANKED))
                    .topK(6)
                    .execution(how)
                    .apply(M, acts);
            double err = LoopReference.relativeError(r.outputValues(), expected);
            assertTrue(err <= 1e-5, how + ": relative error " + err);
        }
    }

    @Test
    void aLazyExpressionRoutesLikeItsValue() {
        // (a + b) as one expert equals a and b as two experts with k = all
        var a = Lora.from(RouteMatchesLoopReferenceTest.ADAPTERS.get(0));
        var b = Lora.from(RouteMatchesLoopReferenceTest.ADAPTERS.get(1));
        Activations acts = Activations.gaussian(T, IN, 5);
        float[] sum = Route.of(a.plus(b)).topK(1).apply(M, acts).outputValues();
        float[] two = Route.of(a, b).topK(2).apply(M, acts).outputValues();
        double[] twoD = new double[two.length];
        for (int i = 0; i < two.length; i++) {
            twoD[i] = two[i];
        }
        double err = LoopReference.relativeError(sum, twoD);
        assertTrue(err <= 1e-5, "relative error " + err);
    }
}
