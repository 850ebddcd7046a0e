package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora lab intruders} on the reduced Fashion-MNIST suite (real images, real training, a temporary cache). */
class LabIntrudersCommandTest {
    @TempDir
    static Path cache;

    @Test
    void jsonHasTheIssuesKeys() throws Exception {
        CliRun run = CliRun.of(
                "lab",
                "intruders",
                "--suite",
                "fmnist",
                "--quick",
                "--seeds",
                "1",
                "--lambdas",
                "0.75",
                "--json",
                "--cache",
                cache.toString());
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(1, j.get("seeds").asInt());
        assertEquals(1, j.get("rows").size(), run.out());
        JsonNode row = j.get("rows").get(0);
        assertEquals(0.75, row.get("lambda").asDouble());
        for (String key : new String[] {"task", "base_task"}) {
            double v = row.get(key).get("mean").asDouble();
            assertTrue(v >= 0 && v <= 1 && row.get(key).has("se"), key + ": " + row);
        }
        assertTrue(row.get("intruders").asDouble() >= 0, row.toString());
    }

    @Test
    void aNonFiniteLambdaIsAUsageOrInputError() {
        CliRun run =
                CliRun.of("lab", "intruders", "--suite", "fmnist", "--lambdas", "NaN", "--cache", cache.toString());
        assertTrue(run.status() == ExitCodes.INPUT || run.status() == ExitCodes.USAGE, run.err());
        assertTrue(run.err().contains("NaN") || run.err().contains("lambda"), run.err());
        assertEquals("", run.out());
    }
}
