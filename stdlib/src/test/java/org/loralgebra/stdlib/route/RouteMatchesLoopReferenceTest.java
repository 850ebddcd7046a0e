package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Every gate, k (1, in between, all), weighting and execution against the per-token loop reference, for four
 * adapters of different ranks and scales and for the six ranks of one adapter.
 */
class RouteMatchesLoopReferenceTest {
    static final String MODULE = "layers.0.q";
    static final int OUT = 40;
    static final int IN = 48;
    static final int TOKENS = 64;
    static final int[] RANKS = {2, 3, 5, 4};
    static final double[] SCALES = {2.0, 0.5, 1.0, 4.0};

    static final List<InMemoryAdapter> ADAPTERS = new ArrayList<>();
    static final InMemoryAdapter RANKED = TestAdapters.random(
            "ranked",
            50,
            List.of(
                    new TestAdapters.Shape(MODULE, OUT, IN, 6, 1.5),
                    new TestAdapters.Shape("layers.1.mlp", 9, 14, 2, 1)));
    static final double[] X = gaussian(TOKENS * IN, 7, 1.0);

    static {
        for (int e = 0; e < RANKS.length; e++) {
            ADAPTERS.add(TestAdapters.random(
                    "expert" + e,
                    10 + e,
                    List.of(
                            new TestAdapters.Shape(MODULE, OUT, IN, RANKS[e], SCALES[e]),
                            new TestAdapters.Shape("layers.1.mlp", 9, 14, 2, 1.0))));
        }
    }

    static double[] gaussian(int n, long seed, double sd) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sd * rnd.nextGaussian();
        }
        return v;
    }

    static Tensor tensor(double[] v, long... shape) {
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    /** The values as stored in F32 (the reference must see what the library sees). */
    static double[] f32(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    enum GateKind {
        LINEAR,
        LINEAR_NO_BIAS,
        FLY,
        PROTOTYPES
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean ranks : new boolean[] {false, true}) {
            int experts = ranks ? 6 : RANKS.length;
            for (GateKind g : GateKind.values()) {
                for (int k : new int[] {1, ranks ? 3 : 2, experts}) {
                    for (Execution how : Execution.values()) {
                        List<Weighting> ws = g == GateKind.LINEAR
                                ? List.of(Weighting.values())
                                : Collections.singletonList((Weighting) null);
                        for (Weighting w : ws) {
                            out.add(Arguments.of(ranks, g, k, how, w));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "ranks={0} gate={1} k={2} {3} weighting={4}")
    @MethodSource("cases")
    void routedOutputEqualsPerTokenLoop(boolean ranks, GateKind kind, int k, Execution how, Weighting weighting) {
        List<LoopReference.Expert> experts = new ArrayList<>();
        if (ranks) {
            experts.addAll(LoopReference.Expert.of(RANKED.read(MODULE)).ranks());
        } else {
            for (InMemoryAdapter a : ADAPTERS) {
                experts.add(LoopReference.Expert.of(a.read(MODULE)));
            }
        }
        int e = experts.size();
        double[] w = f32(gaussian(e * IN, 100, 0.3));
        double[] bias = f32(gaussian(e, 101, 1.0));
        double[] centroids = f32(gaussian(e * IN, 102, 1.0));
        Gate gate;
        LoopReference.Scorer scorer;
        switch (kind) {
            case LINEAR -> {
                gate = Gate.linear(tensor(w, e, IN), tensor(bias, e));
                scorer = LoopReference.linear(w, bias, IN);
            }
            case LINEAR_NO_BIAS -> {
                gate = Gate.linear(tensor(w, e, IN));
                scorer = LoopReference.linear(w, null, IN);
            }
            case FLY -> {
                gate = Gate.fly();
                scorer = LoopReference.fly(experts);
            }
            default -> {
                gate = Gate.prototypes(tensor(centroids, e, IN));
                scorer = LoopReference.cosine(centroids, IN);
            }
        }
        Route route = ranks ? Route.ofRanks(Lora.from(RANKED)) : Route.of(adapters());
        route = route.gate(gate).topK(k).execution(how);
        if (weighting != null) {
            route = route.weighting(weighting);
        }
        Weighting effective = route.weighting();
        Routing routed = route.apply(MODULE, Activations.of(tensor(X, TOKENS, IN)));

        LoopReference.Result ref = LoopReference.route(f32(X), TOKENS, IN, experts, scorer, k, effective);
        assertTrue(
                ref.minGap() > 1e-5,
                "test data: a token's k-th and (k+1)-th scores are within " + ref.minGap()
                        + "; F32 and F64 could pick differently (F32 scores carry ~1e-6 relative error here)");
        for (int t = 0; t < TOKENS; t++) {
            int[] ours = new int[k];
            for (int i = 0; i < k; i++) {
                ours[i] = routed.selection().expert(t, i);
            }
            assertArrayEquals(ref.chosen()[t], ours, "experts of token " + t);
        }
        double err = LoopReference.relativeError(routed.outputValues(), ref.y());
        assertTrue(err <= 1e-5, "relative error " + err);
        assertEquals(
                how != Execution.AUTO ? how : Execution.MASKED,
                routed.execution(),
                "AUTO picks masked products for a handful of experts");
        assertEquals(TOKENS * k, Arrays.stream(routed.stats().load()).sum());
    }

    @Test
    void largeRanksGatherTokenRowsAndStillMatch() {
        int[] ranks = {40, 44, 36, 48};
        List<InMemoryAdapter> big = new ArrayList<>();
        List<LoopReference.Expert> experts = new ArrayList<>();
        for (int e = 0; e < ranks.length; e++) {
            big.add(TestAdapters.random(
                    "big" + e, 30 + e, List.of(new TestAdapters.Shape(MODULE, OUT, IN, ranks[e], 0.5))));
            experts.add(LoopReference.Expert.of(big.get(e).read(MODULE)));
        }
        double[] w = f32(gaussian(4 * IN, 31, 0.3));
        ModuleRoute route = Route.of(big.stream().map(Lora::from).toList())
                .gate(Gate.linear(tensor(w, 4, IN)))
                .topK(1)
                .execution(Execution.GROUPED)
                .prepare(MODULE);
        assertTrue(
                !ModuleRoute.projectAll(
                        ExpertFactors.adapters(
                                big.stream().map(Lora::from).toList(),
                                MODULE,
                                Lora.options().precision()),
                        1),
                "Σr = 168 > 1·(64 + 2·42): the grouped execution gathers token rows");
        Routing routed = route.apply(Activations.of(tensor(X, TOKENS, IN)));
        LoopReference.Result ref = LoopReference.route(
                f32(X), TOKENS, IN, experts, LoopReference.linear(w, null, IN), 1, Weighting.SOFTMAX);
        assertTrue(ref.minGap() > 1e-5, "test data: near-tie " + ref.minGap());
        double err = LoopReference.relativeError(routed.outputValues(), ref.y());
        assertTrue(err <= 1e-5, "relative error " + err);
    }

    @Test
    void doublePrecisionWhenTheEngineComputesInF64() {
        var saved = Lora.options();
        Lora.configure(saved.withPrecision(Precision.F64));
        try {
            List<LoopReference.Expert> experts = new ArrayList<>();
            for (InMemoryAdapter a : ADAPTERS) {
                experts.add(LoopReference.Expert.of(a.read(MODULE)));
            }
            double[] x = gaussian(TOKENS * IN, 40, 1.0);
            for (Execution how : Execution.values()) {
                Routing routed = Route.of(adapters())
                        .topK(2)
                        .execution(how)
                        .apply(MODULE, Activations.of(Tensor.ofDoubles(DType.F64, new long[] {TOKENS, IN}, x)));
                LoopReference.Result ref =
                        LoopReference.route(x, TOKENS, IN, experts, LoopReference.fly(experts), 2, Weighting.ONES);
                double[] y = routed.output(DType.F64).toDoubleArray();
                double num = 0;
                double den = 0;
                for (int i = 0; i < y.length; i++) {
                    num += (y[i] - ref.y()[i]) * (y[i] - ref.y()[i]);
                    den += ref.y()[i] * ref.y()[i];
                }
                assertTrue(Math.sqrt(num / den) <= 1e-12, how + ": relative error " + Math.sqrt(num / den));
            }
        } finally {
            Lora.configure(saved);
        }
    }

    @Test
    void autoGroupsTokensOnlyWhenExpertsAreVeryMany() {
        List<Adapter> many = new ArrayList<>();
        for (int e = 0; e < 34; e++) {
            many.add(Lora.from(
                    TestAdapters.random("m" + e, e, List.of(new TestAdapters.Shape("x", 3, 4, 1 + e % 3, 1)))));
        }
        assertEquals(Execution.GROUPED, Route.of(many).topK(1).prepare("x").execution(), "Σr = 67 > 32·1·r̄");
        assertEquals(Execution.MASKED, Route.of(many).topK(2).prepare("x").execution(), "Σr = 67 ≤ 32·2·r̄");
        assertEquals(
                Execution.MASKED,
                Route.of(many.subList(0, 32)).topK(1).prepare("x").execution());
        assertEquals(
                Execution.MASKED,
                Route.ofRanks(many.get(2)).topK(1).prepare("x").execution(),
                "ranks: masked");
    }

    static List<Adapter> adapters() {
        return ADAPTERS.stream().map(Lora::from).toList();
    }
}
