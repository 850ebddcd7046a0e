package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.stdlib.analysis.ReduceIntruders;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code lora reduce-intruders} on the real DistilBERT IMDB adapter against a seeded random base holding its twelve
 * weights: the report is the library's, the written adapter is the library's reduced adapter with the input's r and
 * alpha; bad bases fail with exit 2 and nothing written.
 */
class ReduceIntrudersCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** W ~ N(0, 0.03²) [768, 768] per module of the adapter, except {@code skip}; {@code nan} poisons one entry. */
    private Path base(String file, String skip, String nan) {
        Random rnd = new Random(72);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (int layer = 0; layer < 6; layer++) {
            for (String m : new String[] {"q_lin", "v_lin"}) {
                String name = "distilbert.transformer.layer." + layer + ".attention." + m;
                double[] w = new double[768 * 768];
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextGaussian() * 0.03;
                }
                if (name.equals(nan)) {
                    w[3 * 768 + 4] = Double.POSITIVE_INFINITY;
                }
                if (!name.equals(skip)) {
                    weights.put(name + ".weight", Tensor.ofDoubles(DType.F32, new long[] {768, 768}, w));
                }
            }
        }
        Path p = dir.resolve(file);
        SafetensorsWriter.write(p, Map.of("format", "pt"), weights);
        return p;
    }

    @Test
    void writesTheLibrarysReductionWithTheInputsRankAndAlpha() throws IOException {
        Path base = base("model.safetensors", null, null);
        Path imdb = CliRun.adapter("distilbert-imdb");
        Path out = dir.resolve("reduced");
        CliRun run = CliRun.of(
                "reduce-intruders",
                base.toString(),
                imdb.toString(),
                "-o",
                out.toString(),
                "--lambda",
                "0.5",
                "--json");
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(12, root.get("modules").size(), run.out());
        assertEquals(0.5, root.get("lambda").asDouble());

        ReduceIntruders op = ReduceIntruders.of(base, Lora.load(imdb)).lambda(0.5);
        Path apiOut = dir.resolve("api");
        assertEquals(JSON.readTree(op.save(apiOut).toJson()), root, "the CLI reports what the library measures");
        Adapter written = Lora.load(out);
        Adapter api = Lora.load(apiOut);
        for (String m : written.modules()) {
            assertArrayEquals(api.dense(m).toArray(), written.dense(m).toArray(), 0, m);
        }
        JsonNode inCfg = JSON.readTree(imdb.resolve("adapter_config.json").toFile());
        JsonNode outCfg = JSON.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals(inCfg.get("r").asInt(), outCfg.get("r").asInt());
        assertEquals(
                inCfg.get("lora_alpha").asDouble(), outCfg.get("lora_alpha").asDouble());

        CliRun text = CliRun.of("reduce-intruders", base.toString(), imdb.toString(), "-o", out.toString());
        assertEquals(ExitCodes.INPUT, text.status(), "an existing output is refused: " + text.err());
    }

    @Test
    void badBasesAndOptionsFailWithNothingWritten() {
        Path imdb = CliRun.adapter("distilbert-imdb");
        Path out = dir.resolve("never");
        String v5 = "distilbert.transformer.layer.5.attention.v_lin";
        CliRun missing = CliRun.of(
                "reduce-intruders",
                base("partial.safetensors", v5, null).toString(),
                imdb.toString(),
                "-o",
                out.toString());
        assertEquals(ExitCodes.INPUT, missing.status(), missing.err());
        assertTrue(
                missing.err().contains("partial.safetensors") && missing.err().contains("'" + v5 + "'"), missing.err());
        String q2 = "distilbert.transformer.layer.2.attention.q_lin";
        CliRun nan = CliRun.of(
                "reduce-intruders",
                base("nan.safetensors", null, q2).toString(),
                imdb.toString(),
                "-o",
                out.toString());
        assertEquals(ExitCodes.INPUT, nan.status(), nan.err());
        assertTrue(
                nan.err().contains("nan.safetensors")
                        && nan.err().contains(q2 + ".weight")
                        && nan.err().contains("non-finite")
                        && nan.err().contains("[3, 4]"),
                nan.err());
        assertFalse(nan.err().contains("\tat "), "no stack trace: " + nan.err());
        CliRun eps = CliRun.of("reduce-intruders", "b", imdb.toString(), "-o", out.toString(), "--epsilon", "2");
        assertEquals(ExitCodes.USAGE, eps.status(), eps.err());
        CliRun k = CliRun.of("reduce-intruders", "b", imdb.toString(), "-o", out.toString(), "--top-k", "0");
        assertEquals(ExitCodes.USAGE, k.status(), k.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
