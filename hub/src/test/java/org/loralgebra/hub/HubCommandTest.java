package org.loralgebra.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.hub.cli.HubCommand;

/**
 * {@code lora hub} on the real adapters of {@code examples/adapters}: the same rows on Spark (local[2]) and on one
 * machine, read back from OUT's part files; a list file as input; exit 2 for an existing output (left untouched)
 * and for no adapters; exit 64 for a usage error.
 */
class HubCommandTest {
    private static final Path EXAMPLES =
            Path.of(System.getProperty("loralgebra.examplesDir", "../examples"), "adapters");

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = HubCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    private static List<String> rows(Path table) throws IOException {
        List<String> rows = new ArrayList<>();
        try (Stream<Path> parts = Files.list(table)) {
            for (Path p : parts.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .toList()) {
                rows.addAll(Files.readAllLines(p));
            }
        }
        Collections.sort(rows);
        return rows;
    }

    @Test
    void sparkAndSingleMachineWriteTheSameRows() throws IOException {
        Path list = tmp.resolve("hub.txt");
        Files.writeString(
                list,
                "# two DistilBERT adapters and a missing one\n" + EXAMPLES.resolve("distilbert-imdb") + "\n"
                        + EXAMPLES.resolve("distilbert-emotion") + "\n\nno-such-adapter\n");
        for (String verb : List.of("stats", "similarity", "cluster")) {
            List<String> extra = verb.equals("cluster") ? List.of("--k", "3") : List.of();
            List<String> spark = new ArrayList<>(List.of(
                    verb, list.toString(), "-o", tmp.resolve(verb + "-spark").toString(), "--master", "local[2]"));
            spark.addAll(extra);
            List<String> single = new ArrayList<>(List.of(
                    verb, list.toString(), "-o", tmp.resolve(verb + "-single").toString(), "--single-machine"));
            single.addAll(extra);
            Run a = run(spark.toArray(String[]::new));
            assertEquals(0, a.status(), a.err());
            Run b = run(single.toArray(String[]::new));
            assertEquals(0, b.status(), b.err());
            try (Stream<Path> tables = Files.list(tmp.resolve(verb + "-single"))) {
                for (Path table : tables.toList()) {
                    Path other = tmp.resolve(verb + "-spark").resolve(table.getFileName());
                    assertEquals(rows(table), rows(other), verb + " " + table.getFileName());
                }
            }
        }
        List<String> adapters = rows(tmp.resolve("stats-spark").resolve("adapters"));
        assertEquals(3, adapters.size());
        assertTrue(
                adapters.stream().anyMatch(r -> r.contains("no-such-adapter") && r.contains("\"error\"")),
                adapters.toString());
    }

    @Test
    void minPairCosineKeepsTheCloserPairsAndRefusesANonCosine() throws IOException {
        String imdb = EXAMPLES.resolve("distilbert-imdb").toString();
        String emotion = EXAMPLES.resolve("distilbert-emotion").toString();
        Run every = run("similarity", imdb, emotion, "-o", tmp.resolve("every").toString(), "--single-machine");
        assertEquals(0, every.status(), every.err());
        List<String> pairs = rows(tmp.resolve("every").resolve("pairs"));
        assertEquals(1, pairs.size(), pairs.toString());
        double cosine = new ObjectMapper().readTree(pairs.get(0)).get("cosine").asDouble();
        for (double min : new double[] {cosine - 1e-3, cosine + 1e-3}) {
            Path out = tmp.resolve("min-" + min);
            Run r = run(
                    "similarity",
                    imdb,
                    emotion,
                    "-o",
                    out.toString(),
                    "--single-machine",
                    "--min-pair-cosine",
                    Double.toString(min));
            assertEquals(0, r.status(), r.err());
            assertEquals(
                    min < cosine ? pairs : List.of(), rows(out.resolve("pairs")), "at " + min + ", cosine " + cosine);
            assertEquals(rows(tmp.resolve("every").resolve("neighbours")), rows(out.resolve("neighbours")));
        }
        Run wrong = run(
                "similarity",
                imdb,
                emotion,
                "-o",
                tmp.resolve("wrong").toString(),
                "--single-machine",
                "--min-pair-cosine",
                "2");
        assertEquals(2, wrong.status(), wrong.err());
        assertTrue(wrong.err().contains("cosine in [-1, 1], got 2.0"), wrong.err());
        assertFalse(Files.exists(tmp.resolve("wrong")));
    }

    @Test
    void baseModelComparesAnAdapterWhoseConfigNamesALocalCopy() throws IOException {
        String imdb = EXAMPLES.resolve("distilbert-imdb").toString();
        Path local = tmp.resolve("emotion-local");
        Files.createDirectories(local);
        try (var files = Files.list(EXAMPLES.resolve("distilbert-emotion"))) {
            for (Path f : files.toList()) {
                String text = f.getFileName().toString();
                byte[] bytes = Files.readAllBytes(f);
                if (text.equals("adapter_config.json")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8)
                            .replace("\"distilbert-base-uncased\"", "\"/home/me/models/distilbert-base-uncased\"")
                            .getBytes(StandardCharsets.UTF_8);
                }
                Files.write(local.resolve(text), bytes);
            }
        }
        Run apart = run(
                "similarity", imdb, local.toString(), "-o", tmp.resolve("apart").toString(), "--single-machine");
        assertEquals(0, apart.status(), apart.err());
        String refused = rows(tmp.resolve("apart").resolve("pairs")).get(0);
        assertTrue(refused.contains("different base models"), refused);
        Run named = run(
                "similarity",
                imdb,
                local.toString(),
                "-o",
                tmp.resolve("named").toString(),
                "--single-machine",
                "--base-model",
                "distilbert-base-uncased");
        assertEquals(0, named.status(), named.err());
        Run same = run(
                "similarity",
                imdb,
                EXAMPLES.resolve("distilbert-emotion").toString(),
                "-o",
                tmp.resolve("same").toString(),
                "--single-machine");
        assertEquals(0, same.status(), same.err());
        JsonNode got = new ObjectMapper()
                .readTree(rows(tmp.resolve("named").resolve("pairs")).get(0));
        JsonNode want = new ObjectMapper()
                .readTree(rows(tmp.resolve("same").resolve("pairs")).get(0));
        assertEquals(want.get("cosine"), got.get("cosine"), got + " vs " + want);
        assertEquals(want.get("subspace_overlap"), got.get("subspace_overlap"), got + " vs " + want);
    }

    @Test
    void everyVerbAnswersHelp() {
        for (String verb : List.of("stats", "similarity", "cluster", "bench")) {
            Run help = run(verb, "--help");
            assertEquals(0, help.status(), verb + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: lora hub " + verb), help.out());
        }
        assertTrue(run("similarity", "-h").out().contains("--min-pair-cosine"));
    }

    @Test
    void anExistingOutputIsRefusedAndLeftAsItIs() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Run r = run("stats", EXAMPLES.resolve("distilbert-imdb").toString(), "-o", out.toString(), "--single-machine");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("exists") && r.err().contains("--overwrite"), r.err());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        Run o = run(
                "stats",
                EXAMPLES.resolve("distilbert-imdb").toString(),
                "-o",
                out.toString(),
                "--single-machine",
                "--overwrite");
        assertEquals(0, o.status(), o.err());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertEquals(12, rows(out.resolve("modules")).size());
    }

    @Test
    void noAdaptersAndUsageErrorsAreRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run none = run("stats", empty.toString(), "-o", tmp.resolve("o1").toString(), "--single-machine");
        assertEquals(2, none.status(), none.err());
        assertTrue(none.err().contains("no adapters found"), none.err());
        assertFalse(Files.exists(tmp.resolve("o1")));
        Run usage = run(
                "cluster",
                EXAMPLES.resolve("distilbert-imdb").toString(),
                "-o",
                tmp.resolve("o2").toString());
        assertEquals(64, usage.status(), usage.err());
        assertTrue(usage.err().contains("--k"), usage.err());
    }
}
