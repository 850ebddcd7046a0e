package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 22's targets read off a report, and the report's limits and end-to-end section through its JSON. */
class BenchTargetTest {
    private static OpResult op(String name, double ours, double peer) {
        return new OpResult(
                        name,
                        new Timing(ours, ours, ours, 5, 1),
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        OptionalDouble.empty(),
                        false)
                .withPeer(peer, false);
    }

    private static Timing t(double s) {
        return new Timing(s, s, s, 3, 1);
    }

    private static BenchReport report() {
        return new BenchReport(
                Bench.machine(),
                "nd4j-cpu",
                Bench.jvm(),
                Map.of("adapter", "x", "hidden", 4096, "intermediate", 11008, "layers", 32, "rank", 16),
                List.of(op("load", 0.02, 0.04), op("spectrum", 0.1, 0.4), op("ties_svd", 101.5, 300)),
                null,
                List.of(),
                Optional.of(new MachineLimits(10e9, 100e9, "test product")),
                Map.of("spectrum", new OpWork(0.25e9, 1e9, "F; Gram")),
                List.of(
                        new CommandTiming(
                                "inspect",
                                "lora inspect SMALL",
                                t(0.3),
                                Optional.of("python3 inspect_header.py SMALL"),
                                Optional.of(t(0.1)),
                                Map.of()),
                        new CommandTiming(
                                "script_start",
                                "lora run start.lora.kts",
                                t(0.5),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of()),
                        new CommandTiming(
                                "notebook",
                                "a fresh kernel",
                                t(12),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of("kernel_start", t(9), "first_cell", t(3)))));
    }

    @Test
    void targetsAreMetMissedOrNotMeasured() {
        Map<String, BenchTarget> byId =
                report().targets().stream().collect(Collectors.toMap(BenchTarget::id, Function.identity()));
        assertEquals("met", byId.get("load_vs_numpy").verdict(), "2.0× ≥ 1.5×");
        assertEquals("missed", byId.get("spectrum_vs_numpy").verdict(), "4.0× < 5×");
        assertEquals(3.0, byId.get("inspect_vs_python").measured().getAsDouble(), 1e-12, "ours ÷ Python");
        assertEquals("met", byId.get("inspect_vs_python").verdict(), "3.0 ≤ 3");
        assertEquals("missed", byId.get("notebook_first_cell").verdict(), "12 s ≥ 10 s");
        assertEquals(0.5 / 0.3, byId.get("script_start_vs_inspect").measured().getAsDouble(), 1e-12, "ours ÷ inspect");
        assertEquals("met", byId.get("script_start_vs_inspect").verdict(), "1.67 ≤ 2");
        assertEquals("not measured", byId.get("repl_first_evaluation").verdict());
        assertEquals("not measured", byId.get("save_vs_numpy").verdict());
        // spectrum's limit: max(0.25e9 / 10e9, 1e9 / 100e9) = 0.025 s; 0.1 s is 4× that
        assertEquals(4.0, byId.get("spectrum_of_limit").measured().getAsDouble(), 1e-12);
        assertEquals("missed", byId.get("spectrum_of_limit").verdict());
        assertEquals(20.0, byId.get("ties_svd_vs_issue_baseline").measured().getAsDouble(), 1e-12, "2030 / 101.5");
        assertEquals("met", byId.get("ties_svd_vs_issue_baseline").verdict());
    }

    @Test
    void limitsWorkAndEndToEndReadBackWhole() throws Exception {
        BenchReport report = report();
        JsonNode j = new ObjectMapper().readTree(report.toJson());
        assertEquals(0.025, j.at("/ops/spectrum/limit_s").asDouble(), 1e-15);
        assertEquals(4.0, j.at("/ops/spectrum/of_limit").asDouble(), 1e-12);
        assertTrue(j.at("/ops/load/limit_s").isMissingNode(), "no work model given for load: " + j.at("/ops/load"));
        assertEquals(0.1 / 0.3, j.at("/end_to_end/inspect/speedup").asDouble(), 1e-12, "peer ÷ ours");
        assertEquals(9.0, j.at("/end_to_end/notebook/kernel_start/median_s").asDouble());
        assertEquals(12, j.get("targets").size(), j.get("targets").toString());
        assertEquals(
                report.toJson(), BenchReport.fromJson(report.toJson()).toJson(), "a saved report reads back whole");
        String md = report.toMarkdown();
        assertTrue(md.contains("| `spectrum` | **4.0×** | 0.100 | 0.400 | 0.0250 | 4.0× |"), md);
        assertTrue(md.contains("| `lora inspect SMALL` | **0.33×** | 0.300 | 0.100 |"), md);
        assertTrue(md.contains("(first cell 3.00 s, kernel start 9.00 s)"), md);
        assertTrue(report.toTable().contains("missed"), report.toTable());
    }
}
