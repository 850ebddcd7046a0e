package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.InMemoryAdapter;

/** The executor: parallel modules under a memory budget, progress, precision. */
class EngineTest {
    private final InMemoryAdapter a = TestAdapters.random("a", 7, TestAdapters.shapes(4));

    private static Roots rootsOf(Node adapter) {
        Roots roots = new Roots();
        roots.factors(adapter);
        return roots;
    }

    private static Map<String, double[]> spectra(Engine engine, Node root) {
        Map<String, double[]> out = new ConcurrentHashMap<>();
        Roots roots = new Roots();
        Root<ModuleSvd> svd = roots.svd(new Decompose(root));
        engine.run(roots, (m, v) -> out.put(m, v.get(svd).s()), ProgressListener.NONE);
        return out;
    }

    @Test
    void aBudgetSmallerThanAModuleStillRunsEveryModuleOneAtATime() {
        Node root = Lora.from(a).truncate(Rank.of(2)).node();
        Engine tiny = new Engine(new Nd4jBackend(Precision.F32), new ExecutionOptions(4, 1, Precision.F32));
        Engine roomy = new Engine(new Nd4jBackend(Precision.F32), new ExecutionOptions(4, 1L << 30, Precision.F32));
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        tiny.run(
                rootsOf(root),
                (m, v) -> {
                    int n = inFlight.incrementAndGet();
                    maxInFlight.accumulateAndGet(n, Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inFlight.decrementAndGet();
                },
                ProgressListener.NONE);
        assertEquals(1, maxInFlight.get(), "with a 1-byte budget modules run alone");
        Map<String, double[]> s1 = spectra(tiny, root);
        Map<String, double[]> s2 = spectra(roomy, root);
        assertEquals(s2.keySet(), s1.keySet());
        s1.forEach((m, s) ->
                assertEquals(Arrays.toString(s2.get(m)), Arrays.toString(s), "same bytes whatever the parallelism"));
    }

    @Test
    void progressCountsEveryModule() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger started = new AtomicInteger(-1);
        ProgressListener listener = new ProgressListener() {
            @Override
            public void started(int modules) {
                started.set(modules);
            }

            @Override
            public void progressed(int done, int total, String module) {
                events.add(done + "/" + total + " " + module);
            }
        };
        Engine.current().run(rootsOf(Lora.from(a).node()), (m, v) -> {}, listener);
        assertEquals(3, started.get());
        assertEquals(3, events.size());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("3/3 ")), events.toString());
    }

    @Test
    void doublePrecisionMatchesTheDenseReferenceTightly() {
        Engine f64 = new Engine(
                new Nd4jBackend(Precision.F64), ExecutionOptions.defaults().withPrecision(Precision.F64));
        Map<String, double[]> s = spectra(f64, Lora.from(a).node());
        for (String m : a.type().names()) {
            double[] ref = Dense.singularValues(TestAdapters.dense(a, m));
            double[] got = s.get(m);
            for (int i = 0; i < got.length; i++) {
                assertEquals(ref[i], got[i], 1e-11 * ref[0], m + " σ" + i);
            }
        }
    }
}
