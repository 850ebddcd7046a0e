package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code --without-dora}: a DoRA adapter (the imdb adapter with magnitude vectors added and {@code use_dora}) is
 * refused by the verbs that sum, scale or truncate updates, with a message that names the option, and with it each
 * verb writes exactly what it writes for the adapter without its magnitude vectors: the same tensor bytes.
 */
class WithoutDoraCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");

    @TempDir
    Path tmp;

    private Path dora;

    @BeforeEach
    void doraCopy() throws IOException {
        dora = Files.createDirectories(tmp.resolve("imdb-dora"));
        SafetensorsFile f = SafetensorsFile.open(IMDB.resolve("adapter_model.safetensors"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Random rnd = new Random(5);
        for (String key : f.tensors().keySet()) {
            tensors.put(key, f.read(key));
            if (key.endsWith(".lora_B.weight")) {
                double[] m = new double[(int) f.read(key).shape()[0]];
                for (int i = 0; i < m.length; i++) {
                    m[i] = 1 + 0.1 * rnd.nextGaussian();
                }
                tensors.put(
                        key.replace(".lora_B.weight", ".lora_magnitude_vector"),
                        Tensor.ofDoubles(DType.F32, new long[] {m.length}, m));
            }
        }
        SafetensorsWriter.write(dora.resolve("adapter_model.safetensors"), Map.of("format", "pt"), tensors);
        ObjectNode c =
                (ObjectNode) JSON.readTree(IMDB.resolve("adapter_config.json").toFile());
        c.put("use_dora", true);
        JSON.writeValue(dora.resolve("adapter_config.json").toFile(), c);
    }

    /** Each verb's arguments with {@code first} as its (first) adapter, writing to {@code out}. */
    private static List<List<String>> verbs(Path first, Path out) {
        String a = first.toString();
        String o = out.toString();
        return List.of(
                List.of("merge", "-m", "linear", a, EMOTION.toString(), "-o", o),
                List.of("merge", "-m", "ties_svd", "-r", "4", a, EMOTION.toString(), "-o", o),
                List.of("cluster", "-k", "8", a, EMOTION.toString(), "-o", o),
                List.of("squeeze", "--rank", "4", a, "-o", o),
                List.of("orthogonalize", a, "--against", EMOTION.toString(), "-o", o),
                List.of("unlearn", "--forget", a, "--retain", EMOTION.toString(), "-o", o));
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void eachVerbRefusesDoraAndNamesTheOption() {
        for (List<String> args : verbs(dora, tmp.resolve("refused"))) {
            CliRun run = run(args);
            assertEquals(2, run.status(), args + ": " + run.out() + run.err());
            assertTrue(run.err().contains("DoRA") && run.err().contains("--without-dora"), args + ": " + run.err());
            assertTrue(Files.notExists(tmp.resolve("refused")), args + " wrote an output it refused");
        }
    }

    @Test
    void withTheOptionEachVerbWritesWhatTheLowRankUpdateGives() throws IOException {
        List<List<String>> plain = verbs(IMDB, tmp.resolve("x"));
        for (int i = 0; i < plain.size(); i++) {
            Path dropped = tmp.resolve("dropped-" + i);
            Path reference = tmp.resolve("reference-" + i);
            List<String> args = new ArrayList<>(verbs(dora, dropped).get(i));
            args.add("--without-dora");
            CliRun got = run(args);
            assertEquals(0, got.status(), args + ": " + got.err());
            List<String> same = verbs(IMDB, reference).get(i);
            CliRun want = run(same);
            assertEquals(0, want.status(), same + ": " + want.err());
            assertArrayEquals(
                    Files.readAllBytes(reference.resolve("adapter_model.safetensors")),
                    Files.readAllBytes(dropped.resolve("adapter_model.safetensors")),
                    args + ": the tensors differ from the same verb's on the adapter without magnitude vectors");
            assertTrue(
                    !JSON.readTree(dropped.resolve("adapter_config.json").toFile())
                            .path("use_dora")
                            .asBoolean(false),
                    args + ": the output is not a DoRA adapter");
        }
    }
}
