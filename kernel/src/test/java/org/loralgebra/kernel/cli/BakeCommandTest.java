package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.io.checkpoint.BaseModels;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code lora bake} into base models generated here (one file, or shards with an index): every updated tensor is
 * W + ΔW (ΔWᵀ for fan_in_fan_out) by plain loops over the raw adapter tensors; everything else is unchanged.
 */
class BakeCommandTest {
    @TempDir
    Path tmp;

    private static Tensor gaussian(Random rnd, long... shape) {
        double[] v = new double[Math.toIntExact(Tensor.numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian() * 0.05;
        }
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    /** Writes {@code tensors} as one model.safetensors or as {@code shards} shards with an index. */
    private static Path writeBase(Path dir, Map<String, Tensor> tensors, int shards) throws Exception {
        return shards == 1 ? BaseModels.single(dir, tensors) : BaseModels.sharded(dir, tensors, shards);
    }

    private static Tensor find(Path dir, String name) throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                SafetensorsFile f = SafetensorsFile.open(p);
                if (f.info(name).isPresent()) {
                    return f.read(name);
                }
            }
        }
        throw new AssertionError("no tensor " + name + " in " + dir);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void bakesTheRealImdbAdapterIntoAGeneratedDistilbert(int shards) throws Exception {
        Path adapter = CliRun.adapter("distilbert-imdb");
        RawAdapter raw = RawAdapter.read(adapter);
        Random rnd = new Random(shards);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String m : raw.a().keySet()) {
            tensors.put(m + ".weight", gaussian(rnd, raw.out(m), raw.in(m)));
            tensors.put(m + ".bias", gaussian(rnd, raw.out(m)));
        }
        tensors.put("distilbert.embeddings.word_embeddings.weight", gaussian(rnd, 100, 768));
        Path base = writeBase(tmp.resolve("base"), tensors, shards);
        Path out = tmp.resolve("baked");
        CliRun run = CliRun.of("bake", base.toString(), adapter.toString(), "-o", out.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(12, report.get("updated").size());
        assertEquals(shards, report.get("shards").size());
        for (String m : raw.a().keySet()) {
            double[] w = tensors.get(m + ".weight").toDoubleArray();
            double[] d = raw.delta(m);
            for (int i = 0; i < w.length; i++) {
                w[i] += d[i];
            }
            double err = RawAdapter.maxRelError(w, find(out, m + ".weight").toDoubleArray());
            assertTrue(err < 1e-6, m + ": " + err);
            assertTrue(find(out, m + ".bias").contentEquals(tensors.get(m + ".bias")), m + ".bias unchanged");
        }
        assertTrue(find(out, "distilbert.embeddings.word_embeddings.weight")
                .contentEquals(tensors.get("distilbert.embeddings.word_embeddings.weight")));
        List<String> added = new ArrayList<>();
        report.get("added").forEach(n -> added.add(n.asText()));
        assertEquals(
                List.of("classifier.bias", "classifier.weight", "pre_classifier.bias", "pre_classifier.weight"),
                added.stream().sorted().toList(),
                "the adapter's heads join the model");
        if (shards > 1) {
            JsonNode index = new ObjectMapper()
                    .readTree(out.resolve("model.safetensors.index.json").toFile());
            long total = 0;
            int count = 0;
            try (var files = Files.list(out)) {
                for (Path p :
                        files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                    for (var info : SafetensorsFile.open(p).tensors().values()) {
                        assertEquals(
                                p.getFileName().toString(),
                                index.get("weight_map").get(info.name()).asText());
                        total += info.byteSize();
                        count++;
                    }
                }
            }
            assertEquals(count, index.get("weight_map").size());
            assertEquals(total, index.get("metadata").get("total_size").asLong());
        }
        assertTrue(Files.exists(out.resolve("config.json")));
    }

    @Test
    void fanInFanOutIsBakedTransposed() throws Exception {
        Random rnd = new Random(5);
        Path adapter = RawAdapter.write(
                tmp.resolve("gpt2-lora"),
                Map.of(
                        "transformer.h.0.attn.c_attn", new Tensor[] {gaussian(rnd, 2, 6), gaussian(rnd, 18, 2)},
                        "transformer.h.1.attn.c_attn", new Tensor[] {gaussian(rnd, 2, 6), gaussian(rnd, 18, 2)}),
                2,
                8,
                true);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("h.0.attn.c_attn.weight", gaussian(rnd, 6, 18));
        tensors.put("h.1.attn.c_attn.weight", gaussian(rnd, 6, 18));
        tensors.put("wte.weight", gaussian(rnd, 40, 6));
        Path base = writeBase(tmp.resolve("gpt2"), tensors, 2);
        Path out = tmp.resolve("baked");
        CliRun run = CliRun.of("bake", base.toString(), adapter.toString(), "-o", out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("2 weight tensor(s) updated in 2 shard(s)"), run.out());
        RawAdapter raw = RawAdapter.read(adapter);
        for (String m : raw.a().keySet()) {
            String name = m.substring("transformer.".length()) + ".weight";
            double[] w = tensors.get(name).toDoubleArray();
            double[] d = raw.delta(m); // [18, 6]
            for (int o = 0; o < 18; o++) {
                for (int i = 0; i < 6; i++) {
                    w[i * 18 + o] += d[o * 6 + i];
                }
            }
            assertBelow(RawAdapter.maxRelError(w, find(out, name).toDoubleArray()), 1e-6, name + ": relative error");
        }
    }

    @Test
    void aBaseWithoutTheAdaptersModulesIsAnInputErrorNamingThem() throws Exception {
        Random rnd = new Random(6);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("distilbert.transformer.layer.0.attention.q_lin.weight", gaussian(rnd, 768, 768));
        Path base = writeBase(tmp.resolve("partial"), tensors, 1);
        Path out = tmp.resolve("never");
        CliRun run = CliRun.of(
                "bake", base.toString(), CliRun.adapter("distilbert-emotion").toString(), "-o", out.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertTrue(
                run.err().contains("11 of the 12 modules")
                        && run.err().contains("layer.5.attention.v_lin")
                        && run.err().contains("distilbert-base-uncased"),
                run.err());
        assertFalse(Files.exists(out));
    }
}
