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

/** {@code lora lab route} on the reduced Fashion-MNIST suite (real images, real training, a temporary cache). */
class LabRouteCommandTest {
    @TempDir
    static Path cache;

    @Test
    void jsonHasTheContractsKeys() throws Exception {
        CliRun run = CliRun.of(
                "lab",
                "route",
                "--suite",
                "fmnist",
                "--quick",
                "--seeds",
                "1",
                "--routers",
                "fitted_gate,flylora,rank_experts",
                "--static-methods",
                "task_arithmetic",
                "--json",
                "--cache",
                cache.toString());
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(1, j.get("seeds").asInt());
        assertEquals(4, j.get("tasks").size());
        List<String> methods = new ArrayList<>();
        j.get("methods").fieldNames().forEachRemaining(methods::add);
        assertEquals(List.of("fitted_gate", "flylora", "rank_experts", "best_static"), methods);
        assertEquals(
                "task_arithmetic",
                j.get("methods").get("best_static").get("method").asText());
        for (String m : methods) {
            JsonNode r = j.get("methods").get(m);
            assertTrue(r.get("mean").isNumber() && r.get("se").isNumber(), m + ": " + r);
            for (JsonNode t : j.get("tasks")) {
                double v = r.get("per_task").get(t.asText()).get("mean").asDouble();
                assertTrue(v >= 0 && v <= 1, m + " " + t + ": " + v);
            }
        }
    }

    @Test
    void badOptionsAreErrorsNamingThem() {
        CliRun router =
                CliRun.of("lab", "route", "--suite", "fmnist", "--routers", "oracle", "--cache", cache.toString());
        assertEquals(ExitCodes.INPUT, router.status(), router.err());
        assertTrue(router.err().contains("oracle"), router.err());
        assertEquals("", router.out());
        CliRun text = CliRun.of("lab", "route", "--suite", "text", "--cache", cache.toString());
        assertEquals(ExitCodes.INPUT, text.status(), text.err());
        assertTrue(text.err().contains("text suite") && text.err().contains("routing"), text.err());
        assertEquals("", text.out());
        CliRun seeds = CliRun.of("lab", "route", "--suite", "fmnist", "--seeds", "0");
        assertEquals(ExitCodes.USAGE, seeds.status(), seeds.err());
        assertTrue(seeds.err().contains("--seeds"), seeds.err());
    }
}
