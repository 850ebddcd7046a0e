package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** The benchmark's parts: deterministic synthetic adapters, the report's JSON contract, the memory probe. */
class BenchTest {
    @TempDir
    Path tmp;

    private static final List<SyntheticAdapters.Shape> SMALL = List.of(
            new SyntheticAdapters.Shape("model.layers.0.self_attn.q_proj", 64, 48),
            new SyntheticAdapters.Shape("model.layers.0.mlp.down_proj", 48, 96));

    @Test
    void syntheticAdaptersAreByteIdenticalAcrossRunsAndLoadWithTheirShapes() throws Exception {
        SyntheticAdapters.write(tmp.resolve("a"), SMALL, 4, 7);
        SyntheticAdapters.write(tmp.resolve("b"), SMALL, 4, 7);
        SyntheticAdapters.write(tmp.resolve("c"), SMALL, 4, 8);
        byte[] a = Files.readAllBytes(tmp.resolve("a/adapter_model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b/adapter_model.safetensors")));
        assertTrue(!Arrays.equals(a, Files.readAllBytes(tmp.resolve("c/adapter_model.safetensors"))), "seed matters");
        Adapter x = Lora.load(tmp.resolve("a"));
        assertEquals(2, x.modules().size());
        assertEquals(96, x.module("model.layers.0.mlp.down_proj").in());
        assertEquals(2.0, x.summary().rows().get(0).scale());
        assertEquals(7 * 32, SyntheticAdapters.llama7b(32).size());
        assertEquals(11008, SyntheticAdapters.llama7b(1).get(4).out());
    }

    @Test
    void aSampleRunsAsManyModulesOfAShapeAtOnceAsTheEngineAndCountsTimePerModule() {
        List<SyntheticAdapters.Shape> shapes = List.of(
                new SyntheticAdapters.Shape("model.layers.0.self_attn.q_proj", 64, 48),
                new SyntheticAdapters.Shape("model.layers.1.self_attn.q_proj", 64, 48),
                new SyntheticAdapters.Shape("model.layers.2.self_attn.q_proj", 64, 48),
                new SyntheticAdapters.Shape("model.layers.0.mlp.down_proj", 48, 96));
        SyntheticAdapters.write(tmp.resolve("a"), shapes, 4, 7);
        List<List<String>> prepared = new ArrayList<>();
        List<String> events = new ArrayList<>();
        int[] runs = new int[1];
        long runMillis = 200;
        BenchOp op = BenchOp.sampledInParallel("probe", 1, (in, scratch, modules) -> {
            prepared.add(modules);
            String shape = modules.get(0).contains("mlp") ? "48x96" : "64x48";
            events.add("prepare " + shape);
            return () -> {
                events.add("run " + shape);
                runs[0]++;
                try {
                    Thread.sleep(runMillis); // one run of the sample, however many modules it holds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        });
        OpResult r = Lora.withOptions(
                Lora.options().withParallelism(3), // more than this machine's cores: the option, not the machine
                () -> Bench.measureSampled(op, List.of(tmp.resolve("a")), tmp.resolve("scratch")));
        assertEquals(
                List.of(
                        List.of("model.layers.0.mlp.down_proj"),
                        List.of(
                                "model.layers.0.self_attn.q_proj",
                                "model.layers.1.self_attn.q_proj",
                                "model.layers.2.self_attn.q_proj")),
                prepared.stream()
                        .map(m -> m.stream().sorted().toList())
                        .sorted(Comparator.comparing(m -> m.get(0)))
                        .toList(),
                "the three modules of one shape at once, the one of the other");
        assertEquals(4, runs[0], "one untimed and one timed run per shape");
        assertEquals(
                List.of("prepare 48x96", "run 48x96", "prepare 64x48", "run 64x48", "run 48x96", "run 64x48"),
                events,
                "every shape runs untimed before any is timed");
        assertEquals(3, r.modulesAtOnce());
        assertTrue(r.oursExtrapolated());
        // 64x48: 200 ms over 3 modules, times 3 modules; 48x96: 200 ms times 1: 400 ms, and 800 ms if not divided
        double s = r.ours().medianSeconds();
        assertTrue(s >= 0.4 && s < 0.6, "extrapolated " + s + " s, expected 0.4 s plus the sleeps' overshoot");
        BenchOp alone = BenchOp.sampled("alone", 1, (in, scratch, module) -> () -> {});
        OpResult one = Lora.withOptions(
                Lora.options().withParallelism(2),
                () -> Bench.measureSampled(alone, List.of(tmp.resolve("a")), tmp.resolve("scratch")));
        assertEquals(1, one.modulesAtOnce(), "an operation timed alone gets one module per shape");
    }

    @Test
    void bakeOpWritesTheBasePlusTheUpdateIntoAFreshFolderEachRunFromAReusedBase() throws Exception {
        SyntheticAdapters.write(tmp.resolve("a"), SMALL, 4, 7);
        String module = SMALL.get(1).name();
        Path scratch = tmp.resolve("scratch");
        Runnable bake = StandardOps.bake().preparer().prepare(List.of(tmp.resolve("a")), scratch, List.of(module));
        Path base = SyntheticBases.folder(scratch).resolve("48x96");
        byte[] baseBytes = Files.readAllBytes(base.resolve("model.safetensors"));
        bake.run();
        bake.run();
        Checkpoint baked = Checkpoint.open(scratch.resolve("baked/" + module + "-2"));
        Tensor w = baked.read(module + ".weight");
        assertEquals(DType.F16, w.dtype(), "the base's dtype is kept");
        // reference: base values + 2·B·A in double, from the files, independently of the bake code
        double[] w0 = Checkpoint.open(base).read(module + ".weight").toDoubleArray();
        StoredModule m = Lora.load(tmp.resolve("a")).source().orElseThrow().read(module);
        double[] b = m.bMatrix().toDoubleArray();
        double[] a = m.aMatrix().toDoubleArray();
        double[] got = w.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < 48; i++) {
            for (int j = 0; j < 96; j++) {
                double d = 0;
                for (int k = 0; k < 4; k++) {
                    d += b[i * 4 + k] * a[k * 96 + j];
                }
                double expected = w0[i * 96 + j] + m.scale() * d;
                worst = Math.max(worst, Math.abs(got[i * 96 + j] - expected) / Math.max(Math.abs(expected), 0x1p-14));
            }
        }
        assertTrue(worst <= 0x1p-11, "relative error of the baked F16 weight " + worst + " > half an F16 ulp");
        assertTrue(Files.isDirectory(scratch.resolve("baked/" + module + "-1")), "each run writes a fresh folder");
        StandardOps.bake().preparer().prepare(List.of(tmp.resolve("a")), scratch, List.of(module));
        assertArrayEquals(baseBytes, Files.readAllBytes(base.resolve("model.safetensors")), "the base is reused");
        assertTrue(!Files.exists(scratch.resolve("baked")), "earlier outputs are removed untimed");
    }

    @Test
    void reportJsonHoldsTheContractKeys() throws Exception {
        Timing t = new Timing(0.5, 0.4, 0.7, 5, 1);
        OpResult r = new OpResult(
                        "spectrum",
                        t,
                        OptionalLong.of(1L << 30),
                        OptionalLong.of(1L << 20),
                        OptionalDouble.empty(),
                        false)
                .withPeer(1.5, false);
        BenchReport report = new BenchReport(
                Bench.machine(),
                "nd4j-cpu",
                Bench.jvm(),
                Map.of("adapter", "x"),
                List.of(r),
                100.0,
                List.of(new BenchReport.ScalingPoint("merge", 16, 2, t, 123)));
        JsonNode j = new ObjectMapper().readTree(report.toJson());
        assertEquals("nd4j-cpu", j.get("backend").asText());
        assertTrue(j.get("machine").get("cores").asInt() >= 1, "cores: " + j.get("machine"));
        assertEquals(0.5, j.at("/ops/spectrum/ours_s").asDouble());
        assertEquals(1.5, j.at("/ops/spectrum/peer_s").asDouble());
        assertEquals(3.0, j.at("/ops/spectrum/speedup").asDouble(), 1e-12, "speed-up = peer / ours");
        assertEquals(200.0, j.at("/dense_spectrum/speedup_of_factored_spectrum").asDouble(), 1e-9);
        assertTrue(report.toTable().contains("3.0×"), report.toTable());
        BenchReport back = BenchReport.fromJson(report.toJson());
        assertEquals(report.toJson(), back.toJson(), "a saved report reads back whole");
        assertTrue(back.toMarkdown().contains("| `spectrum` | **3.0×** | 0.500 | 1.500 |"), back.toMarkdown());
        assertThrows(LoraException.class, () -> BenchReport.fromJson("{not json"));
    }

    @Test
    void memoryProbeReadsThisProcess() {
        if (!Files.exists(Path.of("/proc/self/status"))) {
            return;
        }
        // the JVM's own threads (the JIT's arenas, the collector) may give memory back between the reset and the
        // reading, which lowers the resident size the rise is counted from: three tries, each on fresh memory
        List<String> tries = new ArrayList<>();
        List<ByteBuffer> kept = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            assertTrue(MemoryProbe.resetPeak());
            long rss = MemoryProbe.residentBytes().orElseThrow();
            // fresh native memory (heap pages freed earlier may still be resident and would not raise the peak)
            ByteBuffer big = ByteBuffer.allocateDirect(64 << 20);
            for (int i = 0; i < big.capacity(); i += 4096) {
                big.put(i, (byte) 1);
            }
            kept.add(big);
            long peak = MemoryProbe.peakBytes().orElseThrow();
            tries.add(rss + " → " + peak);
            if (peak >= rss + (48L << 20)) {
                return;
            }
        }
        fail("touching 64 MiB raised the peak by less than 48 MiB in every try: " + tries + " (" + kept.size() + ")");
    }
}
