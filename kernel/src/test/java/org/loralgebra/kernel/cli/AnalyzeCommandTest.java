package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.stdlib.analysis.IntruderDimensions;
import org.loralgebra.stdlib.analysis.IntruderOptions;
import org.loralgebra.stdlib.analysis.MergeInterference;
import org.loralgebra.stdlib.analysis.SpectrumStats;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** {@code lora analyze KIND}: the library's JSON, byte for byte, on standard output or in a file. */
class AnalyzeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        return run;
    }

    @Test
    void spectrumIsATableByDefaultAndTheLibrarysJsonWithJson() throws IOException {
        Path gpt2 = CliRun.adapter("gpt2-tigrinya");
        CliRun run = ok("analyze", "spectrum", gpt2.toString(), "--energy", "0.95", "--json");
        assertEquals(SpectrumStats.of(Lora.load(gpt2), 0.95).toJson(), run.out());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(36, root.get("modules").size());
        assertEquals(0.95, root.get("energy_fraction").asDouble());
        CliRun table = ok("analyze", "spectrum", gpt2.toString());
        assertTrue(table.out().startsWith("Spectrum statistics of gpt2-tigrinya (36 modules"), table.out());
        assertEquals(
                table.out(),
                ok("analyze", "spectrum", gpt2.toString(), "--text").out(),
                "--text is the default");
        CliRun both = CliRun.of("analyze", "spectrum", gpt2.toString(), "--json", "--text");
        assertEquals(ExitCodes.USAGE, both.status(), both.err());
        assertTrue(both.err().contains("--json and --text"), both.err());
    }

    @Test
    void interferenceToAFile() throws IOException {
        Path out = dir.resolve("interference.json");
        Path imdb = CliRun.adapter("distilbert-imdb");
        Path emotion = CliRun.adapter("distilbert-emotion");
        CliRun run = ok("analyze", "interference", imdb.toString(), emotion.toString(), "-o", out.toString());
        assertEquals("wrote " + out + "\n", run.out());
        assertEquals(MergeInterference.of(Lora.load(imdb), Lora.load(emotion)).toJson(), Files.readString(out));
    }

    @Test
    void similarityJsonHasAGridPerModule() throws IOException {
        CliRun run = ok(
                "analyze",
                "similarity",
                CliRun.adapter("distilbert-imdb").toString(),
                CliRun.adapter("distilbert-emotion").toString(),
                "--json");
        JsonNode root = JSON.readTree(run.out());
        assertEquals("input", root.get("side").asText());
        assertEquals(12, root.get("modules").size());
        assertEquals(8, root.get("modules").get(0).get("principal_angles").size());
    }

    /**
     * Against a synthetic base checkpoint holding layer 0's two weights under DistilBERT's names: the CLI's JSON is
     * the library's for the same options, and the figure is written.
     */
    @Test
    void intrudersAgainstABaseCheckpoint() throws IOException {
        Random rnd = new Random(71);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String m : new String[] {"q_lin", "v_lin"}) {
            double[] w = new double[768 * 768];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextGaussian() * 0.03;
            }
            weights.put(
                    "distilbert.transformer.layer.0.attention." + m + ".weight",
                    Tensor.ofDoubles(DType.F32, new long[] {768, 768}, w));
        }
        Path base = dir.resolve("model.safetensors");
        SafetensorsWriter.write(base, Map.of("format", "pt"), weights);
        Path imdb = CliRun.adapter("distilbert-imdb");
        CliRun run = ok(
                "analyze",
                "intruders",
                base.toString(),
                imdb.toString(),
                "--modules",
                "**.layer.0.**",
                "--top-k",
                "5",
                "--base-rank",
                "40",
                "--seed",
                "3",
                "--json");
        IntruderOptions options =
                IntruderOptions.defaults().withTopK(5).withBaseRank(40).withSeed(3);
        assertEquals(
                IntruderDimensions.of(base, Lora.load(imdb).select("**.layer.0.**"), options)
                        .toJson(),
                run.out());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(2, root.get("modules").size());
        assertEquals(5, root.get("options").get("top_k").asInt());

        Path png = dir.resolve("intruders.png");
        ok("plot", "intruders", base.toString(), imdb.toString(), "--modules", "**.layer.0.**", "-o", png.toString());
        assertTrue(Files.size(png) > 1000, png + ": " + Files.size(png) + " bytes");

        CliRun missing =
                CliRun.of("analyze", "intruders", base.toString(), imdb.toString(), "--modules", "**.layer.1.**");
        assertEquals(ExitCodes.INPUT, missing.status());
        assertTrue(
                missing.err().contains("no base weight for module 'distilbert.transformer.layer.1.attention.q_lin'"),
                missing.err());
        CliRun none = CliRun.of("analyze", "intruders", base.toString(), imdb.toString(), "--modules", "*.nothing");
        assertEquals(ExitCodes.INPUT, none.status());
        assertTrue(none.err().contains("matched no module"), none.err());
        CliRun rank = CliRun.of("analyze", "intruders", base.toString(), imdb.toString(), "--base-rank", "many");
        assertEquals(ExitCodes.USAGE, rank.status());
        assertTrue(rank.err().contains("'all'"), rank.err());
    }
}
