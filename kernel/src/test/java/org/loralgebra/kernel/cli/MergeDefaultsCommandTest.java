package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.stdlib.merge.Method;

/**
 * CONTRACTS.md: {@code lora merge} runs with {@code --method NAME} alone, every parameter defaulted (a pruning
 * method's density included), and the defaults are the documented values: a run without {@code --density} writes the
 * same bytes as one with the documented density given.
 */
class MergeDefaultsCommandTest {
    private static final String IMDB = CliRun.adapter("distilbert-imdb").toString();
    private static final String EMOTION = CliRun.adapter("distilbert-emotion").toString();

    @TempDir
    Path tmp;

    @Test
    void everyMethodRunsWithItsNameAlone() throws Exception {
        List<String> failed = new ArrayList<>();
        for (Method m : Method.values()) {
            Path out = tmp.resolve(m.id());
            CliRun run = CliRun.of("merge", "--method", m.id(), IMDB, EMOTION, "-o", out.toString());
            if (run.status() != ExitCodes.OK || !Files.isRegularFile(out.resolve("adapter_model.safetensors"))) {
                failed.add(m.id() + " (exit " + run.status() + "): " + run.err().strip());
            }
        }
        assertTrue(failed.isEmpty(), "methods that did not run by name alone:\n" + String.join("\n", failed));
    }

    @Test
    void theReportNamesTheDensityAMergePrunedWith() throws Exception {
        CliRun ties = CliRun.of(
                "merge",
                "--json",
                "--method",
                "ties",
                IMDB,
                EMOTION,
                "-o",
                tmp.resolve("t").toString());
        assertEquals(ExitCodes.OK, ties.status(), ties.err());
        JsonNode report = new ObjectMapper().readTree(ties.out());
        assertEquals(0.2, report.get("density").asDouble(), ties.out());
        CliRun linear = CliRun.of(
                "merge",
                "--json",
                "--method",
                "linear",
                IMDB,
                EMOTION,
                "-o",
                tmp.resolve("l").toString());
        assertEquals(ExitCodes.OK, linear.status(), linear.err());
        assertTrue(new ObjectMapper().readTree(linear.out()).path("density").isMissingNode(), linear.out());
        CliRun text = CliRun.of(
                "merge",
                "--method",
                "della",
                IMDB,
                EMOTION,
                "-o",
                tmp.resolve("d").toString());
        assertTrue(text.out().contains(": della (density 0.5) of 2 adapters"), text.out());
    }

    @Test
    void theDefaultDensitiesAreTheDocumentedOnes() throws Exception {
        // PEFT's pruning types 0.2, mergekit's 1, DELLA's 0.5 (README, --density's help)
        for (String[] c : List.of(
                new String[] {"ties", "0.2"},
                new String[] {"dare_ties_svd", "0.2"},
                new String[] {"mergekit_ties", "1"},
                new String[] {"della", "0.5"})) {
            Path byDefault = tmp.resolve(c[0] + "-default");
            Path given = tmp.resolve(c[0] + "-given");
            CliRun a = CliRun.of("merge", "--method", c[0], IMDB, EMOTION, "-o", byDefault.toString());
            CliRun b = CliRun.of("merge", "--method", c[0], "--density", c[1], IMDB, EMOTION, "-o", given.toString());
            assertEquals(ExitCodes.OK, a.status(), a.err());
            assertEquals(ExitCodes.OK, b.status(), b.err());
            for (String file : List.of("adapter_model.safetensors", "adapter_config.json")) {
                assertArrayEquals(
                        Files.readAllBytes(given.resolve(file)),
                        Files.readAllBytes(byDefault.resolve(file)),
                        c[0] + ": " + file + " without --density and with --density " + c[1]);
            }
        }
    }
}
