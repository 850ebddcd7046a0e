package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora lab merge} on the reduced Fashion-MNIST suite (real images, real training, a temporary cache). */
class LabMergeCommandTest {
    @TempDir
    static Path cache;

    @Test
    void jsonHasTheContractsKeysAndCatEqualsTaskArithmetic() throws Exception {
        CliRun run = CliRun.of(
                "lab",
                "merge",
                "--suite",
                "fmnist",
                "--quick",
                "--seeds",
                "1",
                "--methods",
                "cat,task_arithmetic",
                "--json",
                "--cache",
                cache.toString());
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(1, j.get("seeds").asInt());
        List<String> tasks = new ArrayList<>();
        j.get("tasks").forEach(t -> tasks.add(t.asText()));
        assertEquals(List.of("rotated", "flipped", "inverted", "shifted"), tasks);
        for (String t : tasks) {
            for (String ref : List.of("base", "individual")) {
                double v = j.get(ref).get(t).get("mean").asDouble();
                assertTrue(v >= 0 && v <= 1, ref + " " + t + ": " + v);
                assertEquals(0.0, j.get(ref).get(t).get("se").asDouble(), "one seed, no spread");
            }
        }
        List<String> methods = new ArrayList<>();
        j.get("methods").fieldNames().forEachRemaining(methods::add);
        assertEquals(List.of("cat", "task_arithmetic", "routing"), methods);
        JsonNode cat = j.get("methods").get("cat");
        assertEquals(cat, j.get("methods").get("task_arithmetic"), "cat and task_arithmetic are the same sum");
        assertTrue(cat.get("lambda").isNumber());
        assertTrue(j.get("methods").get("routing").get("lambda").isNull());

        CliRun text = CliRun.of(
                "lab",
                "merge",
                "--suite",
                "fmnist",
                "--quick",
                "--seeds",
                "1",
                "--methods",
                "cat",
                "--no-routing",
                "--cache",
                cache.toString());
        assertEquals(ExitCodes.OK, text.status(), text.err());
        assertTrue(text.out().contains("individual (own task)") && text.out().contains("cat"), text.out());
    }

    @Test
    void intrudersOnTheTextSuiteIsAClearInputError() {
        CliRun run = CliRun.of("lab", "intruders", "--suite", "text", "--cache", cache.toString());
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(run.err().contains("text suite") && run.err().contains("--suite fmnist"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void badOptionsAreUsageErrorsNamingThem() {
        CliRun suite = CliRun.of("lab", "merge", "--suite", "mnist");
        assertEquals(ExitCodes.USAGE, suite.status(), suite.err());
        assertTrue(suite.err().contains("--suite"), suite.err());
        CliRun seeds = CliRun.of("lab", "merge", "--suite", "fmnist", "--seeds", "0");
        assertEquals(ExitCodes.USAGE, seeds.status(), seeds.err());
        assertTrue(seeds.err().contains("--seeds"), seeds.err());
        CliRun method = CliRun.of("lab", "merge", "--suite", "fmnist", "--methods", "averaging");
        assertEquals(ExitCodes.INPUT, method.status(), method.err());
        assertTrue(method.err().contains("averaging"), method.err());
        CliRun none = CliRun.of("lab");
        assertEquals(ExitCodes.USAGE, none.status(), none.err());
        assertTrue(none.err().contains("merge"), none.err());
    }
}
