package org.loralgebra.stdlib.bake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.io.checkpoint.BaseModels;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Baking into small generated base models, single-file and sharded: every updated tensor equals W + ΔW (ΔWᵀ where
 * the base stores it transposed) computed independently in double precision; every other tensor is byte-identical;
 * the shards keep their tensors and the index is correct.
 */
class BakeTest {
    @TempDir
    Path tmp;

    private static final List<BaseModels.Spec> BASE = List.of(
            new BaseModels.Spec("embed.weight", DType.F32, 30, 12),
            new BaseModels.Spec("layers.0.q.weight", DType.F32, 12, 10),
            new BaseModels.Spec("layers.0.q.bias", DType.F32, 12),
            new BaseModels.Spec("layers.0.v.weight", DType.F32, 12, 10),
            new BaseModels.Spec("layers.1.mlp.weight", DType.F32, 9, 14),
            new BaseModels.Spec("layers.1.norm.weight", DType.F32, 9),
            new BaseModels.Spec("position_ids", DType.I64, 1, 30));

    /** The reference: W + ΔW (or ΔWᵀ) in double from the stored values, independent of the library's math. */
    private static double[] expected(double[] w, StoredModule m, boolean transposed) {
        Dense.M d = TestAdapters.dense(m);
        if (transposed) {
            d = Dense.transpose(d);
        }
        double[] out = w.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += d.v()[i];
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] got, double tol, String what) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - got[i]));
        }
        assertTrue(err <= tol * max, what + ": max error " + err + " of " + max);
    }

    private static Map<String, SafetensorsFile> shardsOf(Path dir) throws IOException {
        Map<String, SafetensorsFile> out = new LinkedHashMap<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".safetensors"))
                    .sorted()
                    .forEach(p -> out.put(p.getFileName().toString(), SafetensorsFile.open(p)));
        }
        return out;
    }

    private static Tensor find(Map<String, SafetensorsFile> shards, String name) {
        for (SafetensorsFile f : shards.values()) {
            if (f.info(name).isPresent()) {
                return f.read(name);
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void bakedWeightsAreWPlusDeltaWAndEverythingElseIsKept(int shards) throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(BASE, 1);
        Path base = shards == 1
                ? BaseModels.single(tmp.resolve("base"), tensors)
                : BaseModels.sharded(tmp.resolve("base"), tensors, shards);
        Map<String, SafetensorsFile> before = shardsOf(base);
        InMemoryAdapter a = TestAdapters.random("a", 2, TestAdapters.shapes(4));
        Path out = tmp.resolve("baked");
        BakeReport report = Bake.of(base, Lora.from(a)).save(out);
        assertEquals(3, report.updated().size(), report.toString());
        Map<String, SafetensorsFile> after = shardsOf(out);
        assertEquals(before.keySet(), after.keySet(), "the same shard files");
        for (String shard : before.keySet()) {
            assertEquals(
                    before.get(shard).tensors().keySet(),
                    after.get(shard).tensors().keySet(),
                    shard + ": same tensors");
            assertEquals(before.get(shard).metadata(), after.get(shard).metadata());
        }
        for (String module : a.type().names()) {
            String name = module + ".weight";
            double[] w = tensors.get(name).toDoubleArray();
            double[] got = find(after, name).toDoubleArray();
            assertClose(expected(w, a.read(module), false), got, 1e-6, name);
            assertEquals(DType.F32, find(after, name).dtype());
        }
        for (String name : List.of("embed.weight", "layers.0.q.bias", "layers.1.norm.weight", "position_ids")) {
            assertTrue(find(after, name).contentEquals(tensors.get(name)), name + " is byte-identical");
        }
        assertTrue(Files.exists(out.resolve("config.json")));
        assertFalse(Files.exists(out.resolve("pytorch_model.bin")), "weights in other formats are not copied");
        if (shards > 1) {
            JsonNode index = new ObjectMapper()
                    .readTree(out.resolve("model.safetensors.index.json").toFile());
            JsonNode original = new ObjectMapper()
                    .readTree(base.resolve("model.safetensors.index.json").toFile());
            assertEquals(original.get("weight_map"), index.get("weight_map"));
            long total = 0;
            for (SafetensorsFile f : after.values()) {
                for (var info : f.tensors().values()) {
                    total += info.byteSize();
                    assertEquals(
                            f.path().getFileName().toString(),
                            index.get("weight_map").get(info.name()).asText());
                }
            }
            assertEquals(total, index.get("metadata").get("total_size").asLong());
            assertEquals("kept", index.get("metadata").get("note").asText(), "other index metadata is kept");
        }
        for (var e : before.entrySet()) {
            SafetensorsFile again = SafetensorsFile.open(base.resolve(e.getKey()));
            for (String t : e.getValue().tensors().keySet()) {
                assertTrue(again.read(t).contentEquals(tensors.get(t)), "base tensor " + t + " unchanged");
            }
        }
    }

    private static ModuleSpec spec(
            String name,
            ModuleKind kind,
            int out,
            int in,
            int rank,
            long[] kernel,
            boolean fanInFanOut,
            boolean dora,
            boolean bias) {
        return new ModuleSpec(name, kind, out, in, rank, DType.F32, kernel, fanInFanOut, dora, bias);
    }

    private static InMemoryAdapter adapter(String label, List<StoredModule> modules, Map<String, Tensor> extras) {
        Map<String, StoredModule> m = new LinkedHashMap<>();
        modules.forEach(s -> m.put(s.spec().name(), s));
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        extras.forEach((k, v) -> refs.put(k, TensorRef.of(v)));
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(4, 8, "test-base"),
                "base_model.model.",
                refs,
                Map.of("format", "pt"));
        return new InMemoryAdapter(label, "test-base", meta, m);
    }

    private static StoredModule module(
            ModuleSpec spec, double scale, long seed, Optional<Tensor> magnitude, Optional<Tensor> bias) {
        Random rnd = new Random(seed);
        double[] a = new double[spec.rank() * spec.in()];
        double[] b = new double[spec.out() * spec.rank()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        return new StoredModule(
                spec,
                Tensor.ofDoubles(DType.F32, new long[] {spec.rank(), spec.in()}, a),
                Tensor.ofDoubles(DType.F32, new long[] {spec.out(), spec.rank()}, b),
                scale,
                magnitude,
                bias);
    }

    @Test
    void transposedEmbeddingConvolutionDoraAndBiasLandAsPeftMergesThem() throws IOException {
        double[] mag = new double[12];
        Random rnd = new Random(3);
        for (int i = 0; i < mag.length; i++) {
            mag[i] = 0.5 + rnd.nextDouble();
        }
        double[] loraBias = new double[9];
        for (int i = 0; i < loraBias.length; i++) {
            loraBias[i] = rnd.nextGaussian();
        }
        StoredModule fifo = module(
                spec("h.0.c_attn", ModuleKind.LINEAR, 18, 6, 2, new long[0], true, false, false),
                2.0,
                4,
                Optional.empty(),
                Optional.empty());
        StoredModule emb = module(
                spec("wte", ModuleKind.EMBEDDING, 6, 20, 3, new long[0], false, false, false),
                0.5,
                5,
                Optional.empty(),
                Optional.empty());
        StoredModule conv = module(
                spec("conv", ModuleKind.CONV, 4, 3 * 2 * 2, 2, new long[] {2, 2}, false, false, false),
                1.5,
                6,
                Optional.empty(),
                Optional.empty());
        StoredModule dora = module(
                spec("h.0.q", ModuleKind.LINEAR, 12, 6, 2, new long[0], false, true, false),
                1.0,
                7,
                Optional.of(Tensor.ofDoubles(DType.F32, new long[] {12}, mag)),
                Optional.empty());
        StoredModule biased = module(
                spec("h.0.mlp", ModuleKind.LINEAR, 9, 6, 2, new long[0], false, false, true),
                1.0,
                8,
                Optional.empty(),
                Optional.of(Tensor.ofDoubles(DType.F32, new long[] {9}, loraBias)));
        InMemoryAdapter a = adapter("kinds", List.of(fifo, emb, conv, dora, biased), Map.of());
        Map<String, Tensor> tensors = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("h.0.c_attn.weight", DType.F32, 6, 18),
                        new BaseModels.Spec("wte.weight", DType.F32, 20, 6),
                        new BaseModels.Spec("conv.weight", DType.F32, 4, 3, 2, 2),
                        new BaseModels.Spec("h.0.q.weight", DType.F32, 12, 6),
                        new BaseModels.Spec("h.0.mlp.weight", DType.F32, 9, 6),
                        new BaseModels.Spec("h.0.mlp.bias", DType.F32, 9)),
                9);
        Path base = BaseModels.sharded(tmp.resolve("base"), tensors, 2);
        Map<String, SafetensorsFile> after =
                shardsOf(Bake.of(base, Lora.from(a)).save(tmp.resolve("out")).out());
        assertClose(
                expected(tensors.get("h.0.c_attn.weight").toDoubleArray(), fifo, true),
                find(after, "h.0.c_attn.weight").toDoubleArray(),
                1e-6,
                "fan_in_fan_out: W [in, out] += ΔWᵀ");
        assertClose(
                expected(tensors.get("wte.weight").toDoubleArray(), emb, true),
                find(after, "wte.weight").toDoubleArray(),
                1e-6,
                "embedding: table += ΔWᵀ");
        assertClose(
                expected(tensors.get("conv.weight").toDoubleArray(), conv, false),
                find(after, "conv.weight").toDoubleArray(),
                1e-6,
                "convolution: W += ΔW reshaped");
        double[] v = expected(tensors.get("h.0.q.weight").toDoubleArray(), dora, false);
        for (int o = 0; o < 12; o++) {
            double norm = 0;
            for (int i = 0; i < 6; i++) {
                norm += v[o * 6 + i] * v[o * 6 + i];
            }
            for (int i = 0; i < 6; i++) {
                v[o * 6 + i] *= mag[o] / Math.sqrt(norm);
            }
        }
        assertClose(v, find(after, "h.0.q.weight").toDoubleArray(), 1e-6, "DoRA: m ⊙ (W + ΔW) / ‖W + ΔW‖_row");
        assertClose(
                expected(tensors.get("h.0.mlp.weight").toDoubleArray(), biased, false),
                find(after, "h.0.mlp.weight").toDoubleArray(),
                1e-6,
                "weight of the biased module");
        double[] bias = tensors.get("h.0.mlp.bias").toDoubleArray();
        for (int i = 0; i < 9; i++) {
            bias[i] += loraBias[i];
        }
        assertClose(bias, find(after, "h.0.mlp.bias").toDoubleArray(), 1e-6, "bias += lora_B.bias");
    }

    @Test
    void halfPrecisionBasesAreRoundedOnceAndKeepTheirDtype() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("layers.0.q.weight", DType.BF16, 12, 10),
                        new BaseModels.Spec("layers.0.v.weight", DType.F16, 12, 10),
                        new BaseModels.Spec("layers.1.mlp.weight", DType.F64, 9, 14)),
                11);
        Path base = BaseModels.single(tmp.resolve("base"), tensors);
        InMemoryAdapter a = TestAdapters.random("a", 12, TestAdapters.shapes(3));
        Map<String, SafetensorsFile> after =
                shardsOf(Bake.of(base, Lora.from(a)).save(tmp.resolve("out")).out());
        for (String module : a.type().names()) {
            Tensor t = find(after, module + ".weight");
            assertEquals(tensors.get(module + ".weight").dtype(), t.dtype());
            double[] ref = expected(tensors.get(module + ".weight").toDoubleArray(), a.read(module), false);
            Tensor rounded = Tensor.ofDoubles(t.dtype(), t.shape(), ref);
            assertTrue(rounded.contentEquals(t), module + ": W + ΔW rounded once to " + t.dtype());
        }
    }

    @Test
    void aRealFanInFanOutAdapterIntoAGpt2ShapedBaseWithoutTheWrapperPrefix() throws IOException {
        Adapter gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya")).layers(0);
        assertEquals(3, gpt2.modules().size());
        List<BaseModels.Spec> specs = new ArrayList<>();
        for (String m : gpt2.modules()) {
            ModuleSpec s = gpt2.module(m);
            assertTrue(s.fanInFanOut());
            // GPT-2's checkpoint names have no "transformer." and store Conv1D weights as [in, out]
            specs.add(
                    new BaseModels.Spec(m.substring("transformer.".length()) + ".weight", DType.F32, s.in(), s.out()));
        }
        specs.add(new BaseModels.Spec("wte.weight", DType.F32, 50, 768));
        Map<String, Tensor> tensors = BaseModels.tensors(specs, 13);
        Path base = BaseModels.single(tmp.resolve("gpt2"), tensors);
        Bake bake = Bake.of(base, gpt2);
        assertEquals("h.0.attn.c_attn.weight", bake.targets().get("transformer.h.0.attn.c_attn"));
        Map<String, SafetensorsFile> after =
                shardsOf(bake.save(tmp.resolve("baked")).out());
        var source = Lora.load(RealAdapters.path("gpt2-tigrinya")).source().orElseThrow();
        for (String m : gpt2.modules()) {
            String name = m.substring("transformer.".length()) + ".weight";
            assertClose(
                    expected(tensors.get(name).toDoubleArray(), source.read(m), true),
                    find(after, name).toDoubleArray(),
                    1e-6,
                    name);
        }
    }

    @Test
    void theAdaptersHeadsReplaceOrJoinTheBase() throws IOException {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb")).layers(0);
        var source = Lora.load(RealAdapters.path("distilbert-imdb")).source().orElseThrow();
        List<BaseModels.Spec> specs = new ArrayList<>();
        for (String m : imdb.modules()) {
            specs.add(new BaseModels.Spec(m + ".weight", DType.F32, 768, 768));
        }
        specs.add(new BaseModels.Spec("pre_classifier.weight", DType.F32, 768, 768));
        specs.add(new BaseModels.Spec("pre_classifier.bias", DType.F32, 768));
        Map<String, Tensor> tensors = BaseModels.tensors(specs, 14);
        Path base = BaseModels.sharded(tmp.resolve("distilbert"), tensors, 2);
        BakeReport report = Bake.of(base, imdb).save(tmp.resolve("baked"));
        assertEquals(
                List.of("pre_classifier.bias", "pre_classifier.weight"),
                report.replaced().stream().sorted().toList());
        assertEquals(
                List.of("classifier.bias", "classifier.weight"),
                report.added().stream().sorted().toList());
        Map<String, SafetensorsFile> after = shardsOf(report.out());
        Tensor head = source.meta()
                .extras()
                .get("base_model.model.pre_classifier.weight")
                .read();
        assertTrue(find(after, "pre_classifier.weight").contentEquals(head));
        assertTrue(
                after.get("model-00002-of-00002.safetensors")
                        .info("classifier.weight")
                        .isPresent(),
                "new tensors go to the last shard");
        JsonNode index = new ObjectMapper()
                .readTree(report.out().resolve("model.safetensors.index.json").toFile());
        assertEquals(
                "model-00002-of-00002.safetensors",
                index.get("weight_map").get("classifier.bias").asText());
        for (String m : imdb.modules()) {
            assertClose(
                    expected(tensors.get(m + ".weight").toDoubleArray(), source.read(m), false),
                    find(after, m + ".weight").toDoubleArray(),
                    1e-6,
                    m);
        }
        assertTrue(report.toJson().contains("\"classifier.weight\""), report.toJson());
    }

    @Test
    void modulesTheBaseLacksAreOneErrorNamingThemAll() throws IOException {
        Map<String, Tensor> tensors =
                BaseModels.tensors(List.of(new BaseModels.Spec("layers.0.q.weight", DType.F32, 12, 10)), 1);
        Path base = BaseModels.single(tmp.resolve("base"), tensors);
        InMemoryAdapter a = TestAdapters.random("lora-a", 2, TestAdapters.shapes(4));
        LoraException e = assertThrows(LoraException.class, () -> Bake.of(base, Lora.from(a)));
        assertTrue(
                e.getMessage().contains("2 of the 3 modules")
                        && e.getMessage().contains("layers.0.v")
                        && e.getMessage().contains("layers.1.mlp")
                        && e.getMessage().contains("'lora-a'")
                        && e.getMessage().contains(base.toString()),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void shapesDtypesAndPathsAreCheckedBeforeAnythingIsWritten() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("layers.0.q.weight", DType.F32, 10, 12),
                        new BaseModels.Spec("layers.0.v.weight", DType.F32, 12, 11),
                        new BaseModels.Spec("layers.1.mlp.weight", DType.F32, 9, 14)),
                1);
        Path base = BaseModels.single(tmp.resolve("base"), tensors);
        InMemoryAdapter a = TestAdapters.random("a", 2, TestAdapters.shapes(4));
        LoraException e = assertThrows(LoraException.class, () -> Bake.of(base, Lora.from(a)));
        assertTrue(
                e.getMessage().contains("'layers.0.q.weight'")
                        && e.getMessage().contains("expected [12, 10]")
                        && e.getMessage().contains("found [10, 12]")
                        && e.getMessage().contains("fan_in_fan_out: false")
                        && e.getMessage().contains("'layers.0.v.weight'")
                        && e.getMessage().contains("[12, 11]")
                        && e.getMessage().contains("model.safetensors"),
                e.getMessage());

        Map<String, Tensor> ok = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("layers.0.q.weight", DType.F32, 12, 10),
                        new BaseModels.Spec("layers.0.v.weight", DType.F32, 12, 10),
                        new BaseModels.Spec("layers.1.mlp.weight", DType.F32, 9, 14)),
                1);
        Path good = BaseModels.single(tmp.resolve("good"), ok);
        Bake bake = Bake.of(good, Lora.from(a));
        assertThrows(LoraException.class, () -> bake.save(good.resolve("inside")));
        assertThrows(LoraException.class, () -> bake.save(good));
        assertFalse(Files.exists(good.resolve("inside")));

        Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(tmp.resolve("empty/x.txt"), "no weights");
        var noWeights = assertThrows(LoraException.class, () -> Bake.of(tmp.resolve("empty"), Lora.from(a)));
        assertTrue(noWeights.getMessage().contains("model.safetensors"), noWeights.getMessage());
    }

    @Test
    void anIndexThatDisagreesWithItsShardsIsAnErrorNamingBoth() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(BASE, 1);
        Path base = BaseModels.sharded(tmp.resolve("base"), tensors, 2);
        Path index = base.resolve("model.safetensors.index.json");
        Files.writeString(
                index,
                Files.readString(index)
                        .replace(
                                "\"embed.weight\" : \"model-00001-of-00002.safetensors\"",
                                "\"embed.weight\" : \"model-00002-of-00002.safetensors\""));
        LoraException e = assertThrows(
                LoraException.class,
                () -> Bake.of(base, Lora.from(TestAdapters.random("a", 2, TestAdapters.shapes(4)))));
        assertTrue(
                e.getMessage().contains("embed.weight") && e.getMessage().contains("model-00002-of-00002.safetensors"),
                e.getMessage());
        Files.writeString(index, "{\"weight_map\": {\"x\": \"missing.safetensors\"}}");
        e = assertThrows(
                LoraException.class,
                () -> Bake.of(base, Lora.from(TestAdapters.random("a", 2, TestAdapters.shapes(4)))));
        assertTrue(e.getMessage().contains("missing.safetensors"), e.getMessage());
    }

    /**
     * A bake streams the whole base, so it reports progress in tensors to the listener set by {@code Lora.onProgress}
     * (after the adapter's own run, in modules): started with the number of tensors written, each one counted once,
     * then finished.
     */
    @Test
    void aBakeReportsItsProgressInTensors() throws IOException {
        Path base = BaseModels.sharded(tmp.resolve("base"), BaseModels.tensors(BASE, 31), 2);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Lora.onProgress(new ProgressListener() {
            @Override
            public void started(int total, String unit) {
                events.add("started " + total + " " + unit);
            }

            @Override
            public void progressed(int done, int total, String module) {
                events.add(done + "/" + total + " " + module);
            }

            @Override
            public void finished() {
                events.add("finished");
            }
        });
        try {
            Bake.of(base, Lora.from(TestAdapters.random("p", 32, TestAdapters.shapes(2))))
                    .save(tmp.resolve("out"));
        } finally {
            Lora.onProgress(null);
        }
        int start = events.indexOf("started " + BASE.size() + " tensors");
        assertTrue(start >= 0, "a start over the base's " + BASE.size() + " tensors: " + events);
        List<String> bake = events.subList(start + 1, events.size());
        assertEquals(BASE.size() + 1, bake.size(), "one event per tensor, then finished: " + bake);
        for (int i = 0; i < BASE.size(); i++) {
            assertTrue(bake.get(i).startsWith((i + 1) + "/" + BASE.size() + " "), bake.get(i));
        }
        assertEquals(
                BASE.stream().map(BaseModels.Spec::name).sorted().toList(),
                bake.subList(0, BASE.size()).stream()
                        .map(e -> e.substring(e.indexOf(' ') + 1))
                        .sorted()
                        .toList(),
                "every tensor counted once");
        assertEquals("finished", bake.get(BASE.size()));
    }

    @Test
    void aLazyMergeCanBeBakedDirectly() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(BASE, 21);
        Path base = BaseModels.single(tmp.resolve("base"), tensors);
        InMemoryAdapter x = TestAdapters.random("x", 22, TestAdapters.shapes(4));
        InMemoryAdapter y = TestAdapters.random("y", 23, TestAdapters.shapes(2));
        Adapter sum = Lora.from(x).plus(Lora.from(y).times(-0.5));
        Map<String, SafetensorsFile> after =
                shardsOf(Bake.of(base, sum).save(tmp.resolve("out")).out());
        for (String m : x.type().names()) {
            double[] w = tensors.get(m + ".weight").toDoubleArray();
            Dense.M d = Dense.add(TestAdapters.dense(x, m), TestAdapters.dense(y, m), -0.5);
            for (int i = 0; i < w.length; i++) {
                w[i] += d.v()[i];
            }
            assertClose(w, find(after, m + ".weight").toDoubleArray(), 1e-6, m);
        }
        Map<String, Integer> counts = new HashMap<>();
        after.values().forEach(f -> f.tensors().keySet().forEach(t -> counts.merge(t, 1, Integer::sum)));
        assertEquals(BASE.size(), counts.size());
    }
}
