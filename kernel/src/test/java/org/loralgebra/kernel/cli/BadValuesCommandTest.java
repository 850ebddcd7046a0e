package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Lora;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.TestFiles;

/**
 * At the command line a bad value is exit 2 with the file, key or tensor named, for every merge method that used to
 * drop the input or write NaN; a file with NaN weights still inspects; and {@code merge --method cat} of two UNet
 * adapters writes the same exact target_modules in both argument orders.
 */
class BadValuesCommandTest {
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");

    @TempDir
    Path tmp;

    private Path withConfig(String name, String key, String value) throws IOException {
        Path copy = TestFiles.copyFolder(IMDB, tmp.resolve(name));
        Path config = copy.resolve("adapter_config.json");
        String text = Files.readString(config).replaceFirst("\"" + key + "\": [^,\\n]+", "\"" + key + "\": " + value);
        Files.writeString(config, text);
        return copy;
    }

    @Test
    void aNaNAlphaIsExit2ForEveryMethodThatUsedToDropOrPropagateIt() throws IOException {
        Path nan = withConfig("nan", "lora_alpha", "NaN");
        for (String method : List.of("cat", "svd", "linear", "ties")) {
            Path out = tmp.resolve("out-" + method);
            CliRun run = CliRun.of("merge", "--method", method, IMDB.toString(), nan.toString(), "-o", out.toString());
            assertEquals(ExitCodes.INPUT, run.status(), method + ": " + run.err());
            assertTrue(
                    run.err().contains("\"lora_alpha\"")
                            && run.err().contains("NaN")
                            && run.err().contains("adapter_config.json"),
                    run.err());
            assertFalse(Files.exists(out), method + " wrote nothing");
        }
        Path wrapped = withConfig("wrapped", "r", "4294967304");
        CliRun run = CliRun.of("inspect", wrapped.toString());
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(run.err().contains("4294967304"), run.err());
    }

    @Test
    void nanWeightsInspectButDoNotMerge() throws IOException {
        Path dir = tmp.resolve("nanw");
        float[] a = new float[4 * 6];
        a[5] = Float.NaN;
        TestFiles.write(
                dir.resolve("adapter_model.safetensors"),
                TestFiles.safetensors(
                        TestFiles.tensors(
                                "base_model.model.l.q.lora_A.weight", TestFiles.f32(new long[] {4, 6}, a),
                                "base_model.model.l.q.lora_B.weight", TestFiles.randomF32(1, 5, 4)),
                        Map.of()));
        TestFiles.write(dir.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 4}");
        CliRun inspect = CliRun.of("inspect", dir.toString());
        assertEquals(0, inspect.status(), inspect.err());
        CliRun squeeze = CliRun.of(
                "squeeze",
                dir.toString(),
                "--rank",
                "2",
                "-o",
                tmp.resolve("out").toString());
        assertEquals(ExitCodes.INPUT, squeeze.status(), squeeze.err());
        assertTrue(
                squeeze.err().contains("'base_model.model.l.q.lora_A.weight'")
                        && squeeze.err().contains("module 'l.q'")
                        && squeeze.err().contains("NaN at flat index 5"),
                squeeze.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    /** A hand-made PEFT folder of an SD UNet adapter on to_q/to_k/to_v/to_out.0. */
    private Path unet(String name, long seed, String targets, String... blocks) {
        Map<String, TestFiles.Raw> tensors = new LinkedHashMap<>();
        long s = seed;
        for (String block : blocks) {
            for (String m : List.of("to_q", "to_k", "to_v", "to_out.0")) {
                tensors.put("base_model.model." + block + m + ".lora_A.weight", TestFiles.randomF32(s++, 4, 8));
                tensors.put("base_model.model." + block + m + ".lora_B.weight", TestFiles.randomF32(s++, 8, 4));
            }
        }
        Path dir = tmp.resolve(name);
        TestFiles.write(
                dir.resolve("adapter_model.safetensors"), TestFiles.safetensors(tensors, Map.of("format", "pt")));
        TestFiles.write(
                dir.resolve("adapter_config.json"),
                "{\"peft_type\": \"LORA\", \"r\": 4, \"lora_alpha\": 4, " + "\"target_modules\": " + targets + "}");
        return dir;
    }

    @Test
    void catMergeOfTwoUnetAdaptersWritesTheSameExactTargetsInBothOrders() {
        // a lists its targets; b gives a regex that covers only its own (down) blocks: the first input's config is the
        // template, so the old refit took last name segments in one order ("0") and kept a's list in the other
        Path a = unet(
                "a",
                1,
                "[\"to_k\", \"to_out.0\", \"to_q\", \"to_v\"]",
                "down_blocks.0.attentions.0.transformer_blocks.0.attn1.",
                "up_blocks.1.attentions.2.transformer_blocks.0.attn2.");
        Path b = unet(
                "b",
                50,
                "\"down_blocks.*\\\\.(to_q|to_k|to_v|to_out\\\\.0)\"",
                "down_blocks.0.attentions.0.transformer_blocks.0.attn1.");
        List<List<String>> targets = new ArrayList<>();
        for (Path[] order : new Path[][] {{a, b}, {b, a}}) {
            Path out = tmp.resolve("cat-" + targets.size());
            CliRun run = CliRun.of(
                    "merge", "--method", "cat", order[0].toString(), order[1].toString(), "-o", out.toString());
            assertEquals(0, run.status(), run.err());
            PeftConfig c = Lora.load(out).source().orElseThrow().meta().config();
            targets.add(c.targetModules());
            for (String m : Lora.load(out).type().names()) {
                assertTrue(c.targets(m), m);
            }
            assertFalse(c.targets("down_blocks.0"), "a bare \"0\" would select it: " + c.targetModules());
        }
        assertEquals(List.of("to_k", "to_out.0", "to_q", "to_v"), targets.get(0));
        assertEquals(targets.get(0), targets.get(1));
    }
}
