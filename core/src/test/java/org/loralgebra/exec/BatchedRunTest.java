package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.TestAdapters.Shape;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Project;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.plan.Planner;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A backend that asks for batches ({@link Backend#batchesModules()}) gets a plan's decompositions as one batch call per
 * step and shape, not one call per module, and the values are those of the ordinary module-by-module run bit for bit
 * (its batch operations loop the CPU backend's single ones); groups of modules respect the memory budget; an error
 * still names its module.
 */
class BatchedRunTest {
    /** Six modules of three shapes: 12x10 r4 (three), 9x14 r4 (two), 16x8 r3 (one). */
    private static List<Shape> shapes(int bump) {
        return List.of(
                new Shape("layers.0.k", 12, 10, 4, 2.0),
                new Shape("layers.0.q", 12, 10, 4, 2.0),
                new Shape("layers.0.v", 12, 10, 4, 0.5),
                new Shape("layers.1.mlp", 9, 14, 4 + bump, 1.0),
                new Shape("layers.1.up", 9, 14, 4 + bump, 0.25),
                new Shape("layers.2.o", 16, 8, 3, 2.0));
    }

    private final Adapter a = Lora.from(TestAdapters.random("a", 11, shapes(0)));
    private final Adapter b = Lora.from(TestAdapters.random("b", 12, shapes(2)));

    private static final ExecutionOptions OPTIONS = new ExecutionOptions(3, 1L << 30, Precision.F32);

    /** Every value of every module and root as row-major doubles: scale, B, A for factors; S, U, V for SVDs. */
    private static Map<String, List<double[]>> run(Engine engine, Roots roots) {
        List<Node> plan = new Planner().plan(roots.nodes(), Precision.F32).physical();
        Map<String, List<double[]>> out = new ConcurrentHashMap<>();
        Backend be = engine.backend();
        engine.run(
                roots,
                plan,
                (module, values) -> {
                    List<double[]> parts = new ArrayList<>();
                    for (int i = 0; i < roots.size(); i++) {
                        ModuleValue v = values.get(new Root<>(roots, i, ModuleValue.class));
                        if (v instanceof ModuleFactors f) {
                            parts.add(new double[] {f.scale()});
                            parts.add(be.toRowMajor(f.b()));
                            parts.add(be.toRowMajor(f.a()));
                        } else if (v instanceof ModuleSvd s) {
                            parts.add(s.s());
                            parts.add(s.hasVectors() ? be.toRowMajor(s.u()) : new double[0]);
                            parts.add(s.hasVectors() ? be.toRowMajor(s.v()) : new double[0]);
                        } else {
                            parts.add(null);
                        }
                    }
                    out.put(module, parts);
                },
                ProgressListener.NONE);
        return new TreeMap<>(out);
    }

    private static void assertSameBits(Map<String, List<double[]>> want, Map<String, List<double[]>> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((m, parts) -> {
            assertEquals(parts.size(), got.get(m).size(), m);
            for (int i = 0; i < parts.size(); i++) {
                double[] w = parts.get(i);
                double[] g = got.get(m).get(i);
                double diff = 0;
                for (int j = 0; w != null && g != null && j < Math.min(w.length, g.length); j++) {
                    diff = Math.max(diff, Math.abs(w[j] - g[j]));
                }
                assertTrue(
                        Arrays.equals(w, g),
                        "module " + m + ", part " + i + ": not the same bits (largest difference " + diff + ")");
            }
        });
    }

    private static Engine ordinary() {
        return new Engine(new Nd4jBackend(Precision.F32), OPTIONS);
    }

    @Test
    void everyKindOfDecompositionGivesTheOrdinaryRunsBits() {
        Roots roots = new Roots();
        roots.svd(a.spectrum().node());
        roots.factors(a.truncate(3).node());
        roots.factors(a.plus(b.times(0.5)).truncate(5).node());
        roots.factors(a.truncate(2).plus(b).truncate(3).node()); // a decomposition feeding another
        roots.svd(a.minus(b).decompose().node());
        roots.svd(Lora.sum(a, b).spectrum().node());
        roots.factors(a.project(b, Side.OUTPUT, 2).node()); // a one-sided projection: left to each module
        Map<String, List<double[]>> want = run(ordinary(), roots);
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        Map<String, List<double[]>> got = run(new Engine(batching, OPTIONS), roots);
        assertSameBits(want, got);
        assertEquals(6, want.size());
        assertFalse(batching.sizes("svd").isEmpty(), "SVDs were batched: " + batching.calls());
        assertFalse(batching.sizes("singularValues").isEmpty(), "spectra were batched: " + batching.calls());
        assertTrue(
                batching.calls().stream().anyMatch(c -> c.size() > 1),
                "some batch holds several modules: " + batching.calls());
    }

    @Test
    void aSpectrumGoesAsOneBatchPerShapeAndStep() {
        Roots roots = new Roots();
        roots.svd(a.spectrum().node());
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        assertSameBits(run(ordinary(), roots), run(new Engine(batching, OPTIONS), roots));
        // shapes in module order: 12x10 r4 (3 modules), 9x14 r4 (2), 16x8 r3 (1)
        assertEquals(
                List.of(3, 3, 2, 2, 1, 1),
                batching.sizes("gramRoot"),
                batching.calls().toString());
        assertEquals(
                List.of(3, 2, 1), batching.sizes("matmul"), batching.calls().toString());
        assertEquals(
                List.of(3, 2, 1),
                batching.sizes("singularValues"),
                batching.calls().toString());
        assertEquals(12, batching.calls().size(), "no other batch call: " + batching.calls());
    }

    @Test
    void aTruncationGoesAsOneBatchPerShapeAndStep() {
        Roots roots = new Roots();
        roots.factors(a.truncate(2).node());
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        assertSameBits(run(ordinary(), roots), run(new Engine(batching, OPTIONS), roots));
        assertEquals(
                List.of(3, 3, 2, 2, 1, 1),
                batching.sizes("qr"),
                batching.calls().toString());
        assertEquals(
                List.of(3, 3, 3, 2, 2, 2, 1, 1, 1),
                batching.sizes("matmul"),
                batching.calls().toString());
        assertEquals(List.of(3, 2, 1), batching.sizes("svd"), batching.calls().toString());
    }

    @Test
    void aSumsDecompositionGroupsModulesByTheirConcatenatedRank() {
        Roots roots = new Roots();
        roots.factors(a.plus(b).truncate(4).node());
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        assertSameBits(run(ordinary(), roots), run(new Engine(batching, OPTIONS), roots));
        // concatenated ranks: 12x10 r8 (3), 9x14 r10 (2), 16x8 r6 (1)
        assertEquals(List.of(3, 2, 1), batching.sizes("svd"), batching.calls().toString());
    }

    @Test
    void modulesGoInGroupsThatFitTheMemoryBudget() {
        Roots roots = new Roots();
        roots.factors(a.truncate(2).node());
        List<Node> plan = new Planner().plan(roots.nodes(), Precision.F32).physical();
        long largest = 0;
        for (String m : a.type().names()) {
            largest = Math.max(largest, Engine.workingBytes(plan, m));
        }
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        Engine tight = new Engine(batching, OPTIONS.withMemoryBudget(largest));
        assertSameBits(run(ordinary(), roots), run(tight, roots));
        assertEquals(List.of(1, 1, 1, 1, 1, 1), batching.sizes("svd"), "one module per group: " + batching.calls());

        SortedSet<String> modules = new TreeSet<>(ModuleOrder.INSTANCE);
        modules.addAll(List.of("m1", "m2", "m3", "m4", "m5"));
        Map<String, Long> bytes = Map.of("m1", 40L, "m2", 60L, "m3", 150L, "m4", 30L, "m5", 70L);
        assertEquals(
                List.of(List.of("m1", "m2"), List.of("m3"), List.of("m4", "m5")),
                BatchedRun.groups(modules, 100, bytes::get),
                "consecutive modules while their sum fits 100; one above it alone");
    }

    @Test
    void theCpuBackendDoesNotBatch() {
        assertFalse(new Nd4jBackend(Precision.F32).batchesModules(), "the CPU keeps module parallelism");
        Roots roots = new Roots();
        roots.factors(a.plus(b).truncate(3).node());
        BatchingBackend notAsking = new BatchingBackend(Precision.F32, false);
        run(new Engine(notAsking, OPTIONS), roots);
        assertEquals(List.of(), notAsking.calls(), "a backend that does not ask gets no batch");
    }

    @Test
    void aPlanWithoutDecompositionsRunsModuleByModule() {
        Roots roots = new Roots();
        roots.factors(a.plus(b).times(2).node());
        BatchingBackend batching = new BatchingBackend(Precision.F32, true);
        assertSameBits(run(ordinary(), roots), run(new Engine(batching, OPTIONS), roots));
        assertEquals(List.of(), batching.calls());
        Project p = (Project) a.project(b, Side.INPUT, 2).node();
        assertTrue(
                BatchedRun.decompositions(List.of(p, p.off())).isEmpty(),
                "a decomposition both projected off one side and used whole: module by module");
        assertEquals(
                List.of(),
                BatchedRun.decompositions(List.of(p)),
                "a decomposition projected off one side only: left to each module (one side computed)");
        assertEquals(
                List.of(p.off()),
                BatchedRun.decompositions(List.of(a.project(b, Side.BOTH, 2).node())));
    }

    /** One module of 6x5 r4 with entries of magnitude about {@code size}, random signs. */
    private static InMemoryAdapter sized(String label, String module, double size) {
        Random rnd = new Random(5);
        double[] av = new double[4 * 5];
        double[] bv = new double[6 * 4];
        for (double[] v : List.of(av, bv)) {
            for (int i = 0; i < v.length; i++) {
                v[i] = size * (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
            }
        }
        ModuleSpec spec = ModuleSpec.linear(module, 6, 5, 4, DType.F32);
        StoredModule m = StoredModule.of(
                spec,
                Tensor.ofDoubles(DType.F32, new long[] {4, 5}, av),
                Tensor.ofDoubles(DType.F32, new long[] {6, 4}, bv),
                1.0);
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT, PeftConfig.lora(4, 4, "test-base"), "base_model.model.", Map.of(), Map.of());
        return new InMemoryAdapter(label, "test-base", meta, Map.of(module, m));
    }

    @Test
    void aFailureInABatchStillNamesItsModule() {
        Adapter good = Lora.from(sized("good", "l.k", 1));
        Adapter huge = Lora.from(sized("huge", "l.q", 1e19));
        Adapter both = good.plus(huge);
        for (Node node :
                List.of(both.truncate(2).node(), both.plus(good).truncate(2).node())) {
            Roots roots = new Roots();
            roots.factors(node);
            NumericFailure want = assertThrows(NumericFailure.class, () -> run(ordinary(), roots));
            BatchingBackend batching = new BatchingBackend(Precision.F32, true);
            NumericFailure got = assertThrows(NumericFailure.class, () -> run(new Engine(batching, OPTIONS), roots));
            assertEquals(
                    2, batching.sizes("qr").get(0), "the good and the bad module in one batch: " + batching.calls());
            assertNotNull(got.getMessage());
            assertTrue(got.getMessage().contains("module 'l.q'"), got.getMessage());
            assertTrue(got.getMessage().contains("'huge'"), got.getMessage());
            assertEquals(want.getMessage(), got.getMessage());
        }
    }
}
