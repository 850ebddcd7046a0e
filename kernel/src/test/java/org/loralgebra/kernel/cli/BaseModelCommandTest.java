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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code --base-model NAME}: adapters of one model saved under two names (here the emotion adapter with its config
 * pointing at a local copy of DistilBERT) are refused by every combining verb, with a message that names the option,
 * and with it give exactly what the adapters under one name give: the same bytes.
 */
class BaseModelCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");
    private static final String HUB = "distilbert-base-uncased";
    private static final String LOCAL = "/home/me/models/distilbert-base-uncased";

    @TempDir
    Path tmp;

    private Path local;
    private Path activations;

    @BeforeEach
    void copies() throws IOException {
        local = Files.createDirectories(tmp.resolve("emotion-local"));
        try (var files = Files.list(EMOTION)) {
            for (Path f : files.toList()) {
                Files.copy(f, local.resolve(f.getFileName().toString()));
            }
        }
        Path config = local.resolve("adapter_config.json");
        ObjectNode c = (ObjectNode) JSON.readTree(config.toFile());
        assertEquals(HUB, c.path("base_model_name_or_path").asText(), "the example's base model");
        c.put("base_model_name_or_path", LOCAL);
        JSON.writeValue(config.toFile(), c);
        activations = tmp.resolve("x.safetensors");
        SafetensorsWriter.write(
                activations,
                Map.of(),
                Map.of("x", Tensor.ofDoubles(DType.F32, new long[] {6, 768}, RouteCommandTest.gaussian(6 * 768, 7))));
    }

    /** Each combining verb's arguments with {@code second} as its second adapter, writing to {@code out}. */
    private List<Function<Path, List<String>>> verbs(Path out) {
        String imdb = IMDB.toString();
        String o = out.toString();
        return List.of(
                second -> List.of("merge", "-m", "linear", "-w", "1,0.5", imdb, second.toString(), "-o", o),
                second -> List.of("merge", "-m", "ties_svd", "-r", "4", imdb, second.toString(), "-o", o),
                second -> List.of("cluster", "-k", "8", imdb, second.toString(), "-o", o),
                second -> List.of("orthogonalize", imdb, "--against", second.toString(), "-o", o),
                second -> List.of("unlearn", "--forget", imdb, "--retain", second.toString(), "-o", o),
                second -> List.of(
                        "route",
                        "--adapters",
                        imdb + "," + second,
                        "-k",
                        "1",
                        "--activations",
                        activations.toString(),
                        "-m",
                        RouteCommandTest.Q,
                        "-o",
                        o + ".safetensors"),
                second -> List.of("analyze", "similarity", imdb, second.toString(), "--json"),
                second -> List.of("analyze", "interference", imdb, second.toString(), "--json"));
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void everyCombiningVerbRefusesTwoNamesAndNamesTheOption() {
        for (Function<Path, List<String>> verb : verbs(tmp.resolve("refused"))) {
            List<String> args = verb.apply(local);
            CliRun run = run(args);
            assertEquals(2, run.status(), args + ": " + run.out() + run.err());
            assertTrue(
                    run.err().contains("base model " + HUB)
                            && run.err().contains("base model " + LOCAL)
                            && run.err().contains("--base-model NAME"),
                    args + ": " + run.err());
            assertTrue(Files.notExists(tmp.resolve("refused")), args + " wrote an output it refused");
        }
    }

    @Test
    void withTheOptionEachVerbGivesWhatOneNameGives() throws IOException {
        int verbs = verbs(tmp).size();
        for (int i = 0; i < verbs; i++) {
            Path renamed = tmp.resolve("renamed-" + i);
            Path reference = tmp.resolve("reference-" + i);
            List<String> args = with(verbs(renamed).get(i).apply(local), "--base-model", HUB);
            CliRun got = run(args);
            assertEquals(0, got.status(), args + ": " + got.err());
            List<String> same = verbs(reference).get(i).apply(EMOTION);
            CliRun want = run(same);
            assertEquals(0, want.status(), same + ": " + want.err());
            String verbName = String.join(" ", args.subList(0, 2));
            if (Files.isDirectory(reference)) {
                assertArrayEquals(
                        Files.readAllBytes(reference.resolve("adapter_model.safetensors")),
                        Files.readAllBytes(renamed.resolve("adapter_model.safetensors")),
                        verbName + ": the written tensors differ from the same verb's on adapters under one name");
                assertEquals(
                        HUB,
                        JSON.readTree(renamed.resolve("adapter_config.json").toFile())
                                .path("base_model_name_or_path")
                                .asText(),
                        verbName + ": the output records the name given");
            } else if (Files.exists(Path.of(reference + ".safetensors"))) {
                SafetensorsFile w = SafetensorsFile.open(Path.of(reference + ".safetensors"));
                SafetensorsFile g = SafetensorsFile.open(Path.of(renamed + ".safetensors"));
                for (String tensor : List.of("output", "expert_load")) {
                    assertTrue(
                            w.read(tensor).contentEquals(g.read(tensor)),
                            verbName + ": the routed " + tensor + " differs");
                }
            } else {
                assertEquals(
                        want.out().replace(EMOTION.toString(), "SECOND").replace("distilbert-emotion", "SECOND"),
                        got.out().replace(local.toString(), "SECOND").replace("emotion-local", "SECOND"),
                        verbName + ": the report differs");
            }
        }
        assertEquals(8, verbs, "verbs checked");
    }

    @Test
    void theOutputRecordsTheNameGivenWhicheverInputComesFirst() throws IOException {
        Path merged = tmp.resolve("merged");
        CliRun merge = CliRun.of(
                "merge",
                "-m",
                "linear",
                local.toString(),
                IMDB.toString(),
                "--base-model",
                HUB,
                "-o",
                merged.toString());
        assertEquals(0, merge.status(), merge.err());
        assertEquals(HUB, baseModelOf(merged), "merge of the local adapter first");
        // relabelling one adapter (a config that records a local path, before publishing it) changes no tensor
        Path relabelled = tmp.resolve("relabelled");
        Path plain = tmp.resolve("plain");
        CliRun squeeze = CliRun.of(
                "squeeze", "--rank", "4", local.toString(), "--base-model", "org/model", "-o", relabelled.toString());
        assertEquals(0, squeeze.status(), squeeze.err());
        assertEquals(
                0,
                CliRun.of("squeeze", "--rank", "4", local.toString(), "-o", plain.toString())
                        .status());
        assertEquals("org/model", baseModelOf(relabelled));
        assertEquals(LOCAL, baseModelOf(plain));
        assertArrayEquals(
                Files.readAllBytes(plain.resolve("adapter_model.safetensors")),
                Files.readAllBytes(relabelled.resolve("adapter_model.safetensors")),
                "squeeze --base-model: the tensors differ");
    }

    private static String baseModelOf(Path folder) throws IOException {
        return JSON.readTree(folder.resolve("adapter_config.json").toFile())
                .path("base_model_name_or_path")
                .asText();
    }

    @Test
    void aBlankNameIsAClearError() {
        CliRun run = CliRun.of("merge", IMDB.toString(), local.toString(), "--base-model", " ", "-o", "x");
        assertEquals(ExitCodes.USAGE, run.status(), run.err());
        assertTrue(run.err().contains("--base-model must name a model, got ' '"), run.err());
    }
}
