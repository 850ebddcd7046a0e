package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora lab unlearn} on the reduced Fashion-MNIST suite (real images, real training, a temporary cache). */
class LabUnlearnCommandTest {
    @TempDir
    static Path cache;

    @Test
    void jsonHasTheContractsKeys() throws Exception {
        CliRun run = CliRun.of(
                "lab",
                "unlearn",
                "--suite",
                "fmnist",
                "--quick",
                "--seeds",
                "1",
                "--forget",
                "inverted",
                "--lambdas",
                "2",
                "--protect-ranks",
                "0",
                "--json",
                "--cache",
                cache.toString());
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals("inverted", j.get("forget").asText());
        assertEquals(1, j.get("seeds").asInt());
        assertEquals(3, j.get("rows").size(), run.out());
        JsonNode row = j.get("rows").get(0);
        assertEquals(2.0, row.get("lambda").asDouble());
        assertEquals(0, row.get("protect_rank").asInt());
        assertTrue(row.get("forget").isNumber() && row.get("forget_se").isNumber(), row.toString());
        assertTrue(j.get("joint").get("retain").isNumber(), j.toString());
    }

    @Test
    void anUnknownTaskIsAnInputErrorBeforeAnyTraining() {
        CliRun run =
                CliRun.of("lab", "unlearn", "--suite", "fmnist", "--forget", "upside", "--cache", cache.toString());
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(run.err().contains("upside") && run.err().contains("rotated"), run.err());
        assertEquals("", run.out());
    }
}
