package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
 * Routing on a backend that is not ND4J's ({@link BackendRouteArrays}, here on {@link CpuUnderAnotherName}) gives the
 * outputs of the ND4J path ({@link Nd4jRouteArrays}) within float rounding, and both match the per-token loop
 * reference in double precision: every execution, every gate kind, adapter and rank experts, the grouped execution's
 * row gathers, F64, and the fitted and prototype gates.
 */
class BackendPathMatchesNd4jTest {
    static final String MODULE = RouteMatchesLoopReferenceTest.MODULE;
    static final int IN = RouteMatchesLoopReferenceTest.IN;
    static final int TOKENS = RouteMatchesLoopReferenceTest.TOKENS;

    /** {@code body} with the {@code forwarding} backend in force (the backend path), in the session's precision. */
    static <T> T onBackend(Supplier<T> body) {
        return Lora.withOptions(Lora.options().withBackend("forwarding"), body);
    }

    /** max |a − b| / max |b|. */
    static double maxRelative(float[] a, float[] b) {
        double diff = 0;
        double largest = 0;
        for (int i = 0; i < b.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            largest = Math.max(largest, Math.abs(b[i]));
        }
        return diff / largest;
    }

    enum GateKind {
        LINEAR,
        LINEAR_NO_BIAS,
        FLY,
        PROTOTYPES,
        ARROW,
        ARROW_GKS
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean ranks : new boolean[] {false, true}) {
            for (GateKind g : GateKind.values()) {
                if (ranks && (g == GateKind.ARROW || g == GateKind.ARROW_GKS)) {
                    continue; // Arrow routes adapters only
                }
                for (int k : new int[] {1, ranks ? 3 : 2}) {
                    for (Execution how : Execution.values()) {
                        out.add(Arguments.of(ranks, g, k, how));
                    }
                }
            }
        }
        return out.stream();
    }

    /** The route, the loop reference's experts and scorer for one case (seeded data shared with the other tests). */
    private record Case(Route route, List<LoopReference.Expert> experts, LoopReference.Scorer scorer, double[] x) {}

    private static Case build(boolean ranks, GateKind kind, int k, Execution how) {
        if (kind == GateKind.ARROW || kind == GateKind.ARROW_GKS) {
            int generals = kind == GateKind.ARROW ? 0 : 2;
            List<LoopReference.Expert> experts = ArrowMatchesLoopReferenceTest.referenceExperts(generals);
            List<double[]> protos = experts.stream()
                    .map(ArrowMatchesLoopReferenceTest::denseTopRight)
                    .toList();
            ArrowGate gate = Gate.arrow().temperature(0.5);
            if (generals > 0) {
                gate = gate.gks(ArrowMatchesLoopReferenceTest.general(generals));
            }
            return new Case(
                    Route.of(ArrowMatchesLoopReferenceTest.tasks())
                            .gate(gate)
                            .topK(k)
                            .execution(how),
                    experts,
                    ArrowMatchesLoopReferenceTest.arrowScorer(protos, 0.5),
                    ArrowMatchesLoopReferenceTest.tokens(7 + k));
        }
        List<LoopReference.Expert> experts = new ArrayList<>();
        if (ranks) {
            experts.addAll(LoopReference.Expert.of(RouteMatchesLoopReferenceTest.RANKED.read(MODULE))
                    .ranks());
        } else {
            for (InMemoryAdapter a : RouteMatchesLoopReferenceTest.ADAPTERS) {
                experts.add(LoopReference.Expert.of(a.read(MODULE)));
            }
        }
        int e = experts.size();
        double[] w = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(e * IN, 100, 0.3));
        double[] bias = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(e, 101, 1.0));
        double[] centroids =
                RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(e * IN, 102, 1.0));
        Gate gate;
        LoopReference.Scorer scorer;
        switch (kind) {
            case LINEAR -> {
                gate = Gate.linear(RouteMatchesLoopReferenceTest.tensor(w, e, IN), tensor1(bias));
                scorer = LoopReference.linear(w, bias, IN);
            }
            case LINEAR_NO_BIAS -> {
                gate = Gate.linear(RouteMatchesLoopReferenceTest.tensor(w, e, IN));
                scorer = LoopReference.linear(w, null, IN);
            }
            case FLY -> {
                gate = Gate.fly();
                scorer = LoopReference.fly(experts);
            }
            default -> {
                gate = Gate.prototypes(RouteMatchesLoopReferenceTest.tensor(centroids, e, IN));
                scorer = LoopReference.cosine(centroids, IN);
            }
        }
        Route route = ranks
                ? Route.ofRanks(Lora.from(RouteMatchesLoopReferenceTest.RANKED))
                : Route.of(RouteMatchesLoopReferenceTest.adapters());
        return new Case(
                route.gate(gate).topK(k).execution(how),
                experts,
                scorer,
                RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.X));
    }

    private static Tensor tensor1(double[] v) {
        return RouteMatchesLoopReferenceTest.tensor(v, v.length);
    }

    @ParameterizedTest(name = "ranks={0} gate={1} k={2} {3}")
    @MethodSource("cases")
    void backendPathEqualsNd4jPathAndTheLoop(boolean ranks, GateKind kind, int k, Execution how) {
        Case c = build(ranks, kind, k, how);
        Activations x = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {TOKENS, IN}, c.x()));
        ModuleRoute nd4j = c.route().prepare(MODULE);
        assertEquals("nd4j", nd4j.arrays(), "the CPU backend routes on ND4J directly");
        Routing ours = nd4j.apply(x);
        Routing viaBackend = onBackend(() -> {
            ModuleRoute r = c.route().prepare(MODULE);
            assertEquals("backend forwarding", r.arrays(), "another backend routes through Backend");
            return r.apply(x);
        });
        assertEquals(ours.execution(), viaBackend.execution());
        assertArrayEquals(
                ours.selection().chosenExperts(), viaBackend.selection().chosenExperts(), "chosen experts");
        assertArrayEquals(
                ours.selection().chosenWeights(), viaBackend.selection().chosenWeights(), 1e-5f, "weights");
        double paths = maxRelative(viaBackend.outputValues(), ours.outputValues());
        assertTrue(paths <= 1e-5, "backend path vs ND4J path: max |Δy| / max |y| = " + paths);

        LoopReference.Result ref = LoopReference.route(
                c.x(), TOKENS, IN, c.experts(), c.scorer(), k, c.route().weighting());
        assertTrue(ref.minGap() > 1e-5, "test data: near-tie " + ref.minGap());
        double err = LoopReference.relativeError(viaBackend.outputValues(), ref.y());
        assertTrue(err <= 1e-5, "backend path vs the loop in double: relative error " + err);
        assertArrayEquals(
                new long[] {TOKENS, ours.out()}, viaBackend.output(DType.F64).shape(), "output shape");
    }

    @Test
    void groupedRowGathersOfLargeRanksMatch() {
        int[] ranks = {40, 44, 36, 48};
        List<InMemoryAdapter> big = new ArrayList<>();
        List<LoopReference.Expert> experts = new ArrayList<>();
        for (int e = 0; e < ranks.length; e++) {
            big.add(TestAdapters.random(
                    "big" + e,
                    30 + e,
                    List.of(new TestAdapters.Shape(MODULE, RouteMatchesLoopReferenceTest.OUT, IN, ranks[e], 0.5))));
            experts.add(LoopReference.Expert.of(big.get(e).read(MODULE)));
        }
        List<Adapter> adapters = big.stream().map(Lora::from).toList();
        double[] w = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(4 * IN, 31, 0.3));
        Route route = Route.of(adapters)
                .gate(Gate.linear(RouteMatchesLoopReferenceTest.tensor(w, 4, IN)))
                .topK(1)
                .execution(Execution.GROUPED);
        double[] xs = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.X);
        Activations x = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {TOKENS, IN}, xs));
        Routing viaBackend = onBackend(() -> {
            assertTrue(
                    !ModuleRoute.projectAll(ExpertFactors.adapters(adapters, MODULE, Precision.F32), 1),
                    "Σr = 168 > 1·(64 + 2·42): the grouped execution gathers token rows");
            return route.apply(MODULE, x);
        });
        Routing ours = route.apply(MODULE, x);
        double paths = maxRelative(viaBackend.outputValues(), ours.outputValues());
        assertTrue(paths <= 1e-5, "backend path vs ND4J path: max |Δy| / max |y| = " + paths);
        LoopReference.Result ref =
                LoopReference.route(xs, TOKENS, IN, experts, LoopReference.linear(w, null, IN), 1, Weighting.SOFTMAX);
        assertTrue(ref.minGap() > 1e-5, "test data: near-tie " + ref.minGap());
        double err = LoopReference.relativeError(viaBackend.outputValues(), ref.y());
        assertTrue(err <= 1e-5, "backend path vs the loop in double: relative error " + err);
    }

    @Test
    void inF64BothPathsAgreeToDoubleRounding() {
        for (Execution how : new Execution[] {Execution.GROUPED, Execution.MASKED, Execution.DENSE}) {
            Case c = build(false, GateKind.LINEAR, 2, how);
            Activations x = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {TOKENS, IN}, c.x()));
            LoopReference.Result ref = LoopReference.route(
                    c.x(), TOKENS, IN, c.experts(), c.scorer(), 2, c.route().weighting());
            var f64 = Lora.options().withPrecision(Precision.F64);
            double[] ours = Lora.withOptions(
                            f64, () -> c.route().apply(MODULE, x).output(DType.F64))
                    .toDoubleArray();
            double[] viaBackend = Lora.withOptions(
                            f64.withBackend("forwarding"),
                            () -> c.route().apply(MODULE, x).output(DType.F64))
                    .toDoubleArray();
            double paths = LoopReference.relativeError(viaBackend, ours);
            assertTrue(paths <= 1e-12, how + " in F64, backend path vs ND4J path: relative error " + paths);
            // the gate weights are kept in float32 (Selection), so the loop in double agrees to float rounding only
            double nd4jErr = LoopReference.relativeError(ours, ref.y());
            double backendErr = LoopReference.relativeError(viaBackend, ref.y());
            assertTrue(
                    nd4jErr <= 1e-6 && backendErr <= 1e-6,
                    how + " in F64, relative error vs the loop: ND4J " + nd4jErr + ", backend " + backendErr);
        }
    }

    @Test
    void fittedGatesAgreeAndPrototypesAreTheLabelMeans() {
        int[] labels = FittedGateTest.labels(300, 1);
        Activations x = FittedGateTest.acts(FittedGateTest.clustered(labels, 2), 300);
        FittedGate ours = Gate.fit(x, labels, FittedGateTest.E);
        FittedGate viaBackend = onBackend(() -> Gate.fit(x, labels, FittedGateTest.E));
        assertEquals(ours.iterations(), viaBackend.iterations(), ours + " / " + viaBackend);
        double[] w1 = ours.gate().weight().toDoubleArray();
        double[] w2 = viaBackend.gate().weight().toDoubleArray();
        double diff = 0;
        double largest = 0;
        for (int i = 0; i < w1.length; i++) {
            diff = Math.max(diff, Math.abs(w1[i] - w2[i]));
            largest = Math.max(largest, Math.abs(w1[i]));
        }
        // the same iterations, each path in its own rounding (ND4J in float, the backend path's host steps in double)
        assertTrue(diff <= 1e-3 * largest, "fitted W: max |Δw| " + diff + ", largest |w| " + largest);
        assertEquals(ours.trainingAccuracy(), viaBackend.trainingAccuracy(), 1e-9, "training accuracy");

        int[] y = {0, 1, 0, 2, 3, 1};
        double[] xs = RouteMatchesLoopReferenceTest.gaussian(6 * IN, 12, 1);
        double[] c = onBackend(() -> Gate.prototypes(FittedGateTest.acts(xs, 6), y, FittedGateTest.E))
                .centroids()
                .toDoubleArray();
        double worst = 0;
        for (int e = 0; e < FittedGateTest.E; e++) {
            for (int i = 0; i < IN; i++) {
                double s = 0;
                int n = 0;
                for (int t = 0; t < 6; t++) {
                    if (y[t] == e) {
                        s += (float) xs[t * IN + i];
                        n++;
                    }
                }
                worst = Math.max(worst, Math.abs(s / n - c[e * IN + i]));
            }
        }
        assertTrue(worst <= 1e-5, "centroids vs the label means: max error " + worst);
    }
}
