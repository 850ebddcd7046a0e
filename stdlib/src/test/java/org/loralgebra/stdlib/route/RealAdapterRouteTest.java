package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Routing on the real adapters read from their safetensors files, against the loop and dense references. */
class RealAdapterRouteTest {
    static final String Q = "distilbert.transformer.layer.0.attention.q_lin";
    static final String C_ATTN = "transformer.h.3.attn.c_attn";
    static final int T = 48;

    private final Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
    private final Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));
    private final Adapter tigrinya = Lora.load(RealAdapters.path("gpt2-tigrinya"));

    static LoopReference.Expert expert(Adapter a, String module) {
        return LoopReference.Expert.of(a.source().orElseThrow().read(module));
    }

    @Test
    void distilbertAdaptersByPrototypesMatchTheLoop() {
        double[] x = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(T * 768, 21, 1));
        double[] centroids = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(2 * 768, 22, 1));
        List<LoopReference.Expert> experts = List.of(expert(imdb, Q), expert(emotion, Q));
        Activations acts = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {T, 768}, x));
        for (int k = 1; k <= 2; k++) {
            Routing r = Route.of(imdb, emotion)
                    .gate(Gate.prototypes(Tensor.ofDoubles(DType.F32, new long[] {2, 768}, centroids)))
                    .topK(k)
                    .apply(Q, acts);
            LoopReference.Result ref =
                    LoopReference.route(x, T, 768, experts, LoopReference.cosine(centroids, 768), k, Weighting.ONES);
            double err = LoopReference.relativeError(r.outputValues(), ref.y());
            assertTrue(err <= 1e-5, "k=" + k + ": relative error " + err);
            assertTrue(k == 2 || ref.minGap() > 1e-5, "test data: near-tie " + ref.minGap());
            List<String> labels = new ArrayList<>(r.stats().labels());
            assertTrue(labels.get(0).contains("imdb") && labels.get(1).contains("emotion"), labels.toString());
        }
    }

    @Test
    void distilbertAdaptersWithEveryExpertGiveTheDenseSum() {
        double[] x = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(T * 768, 23, 1));
        Dense.M sum = Dense.M.of(imdb.plus(emotion).dense(Q));
        double[] expected =
                Dense.mul(new Dense.M(T, 768, x), Dense.transpose(sum)).v();
        Routing r = Route.of(imdb, emotion)
                .topK(2)
                .apply(Q, Activations.of(Tensor.ofDoubles(DType.F32, new long[] {T, 768}, x)));
        double err = LoopReference.relativeError(r.outputValues(), expected);
        assertTrue(err <= 1e-5, "relative error " + err);
    }

    @Test
    void gpt2RanksByTheImplicitRouterMatchTheLoop() {
        // fan_in_fan_out only says how the base stores its weight; the update acting on x is still s·B·A·x
        double[] x = RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(T * 768, 24, 1));
        List<LoopReference.Expert> ranks = expert(tigrinya, C_ATTN).ranks();
        Activations acts = Activations.of(Tensor.ofDoubles(DType.F32, new long[] {T, 768}, x));
        for (Execution how : Execution.values()) {
            Routing r = Route.ofRanks(tigrinya).topK(3).execution(how).apply(C_ATTN, acts);
            LoopReference.Result ref =
                    LoopReference.route(x, T, 768, ranks, LoopReference.fly(ranks), 3, Weighting.ONES);
            assertTrue(ref.minGap() > 1e-5, "test data: near-tie " + ref.minGap());
            double err = LoopReference.relativeError(r.outputValues(), ref.y());
            assertTrue(err <= 1e-5, how + ": relative error " + err);
            for (int t = 0; t < T; t++) {
                assertArrayEquals(
                        ref.chosen()[t],
                        new int[] {
                            r.selection().expert(t, 0),
                            r.selection().expert(t, 1),
                            r.selection().expert(t, 2)
                        },
                        "token " + t);
            }
            assertTrue(r.out() == 2304);
        }
    }
}
