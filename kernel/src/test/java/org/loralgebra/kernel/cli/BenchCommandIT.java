package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lora bench --quick}: the smoke run of the benchmark (every operation and the numpy peer on a small Llama),
 * checked for its report's contract, never for its timings (those are what {@code lora bench} is for).
 */
class BenchCommandIT {
    private static final List<String> OPS =
            List.of("load", "spectrum", "plus_truncate", "ties_svd", "cluster", "project", "route", "save", "bake");

    @TempDir
    Path tmp;

    @Test
    void quickRunWithThePeerReportsEveryOperationAsJson() throws Exception {
        CliRun run = CliRun.of("bench", "--quick", "--peer", "--json", "--cache", tmp.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("nd4j-cpu", report.get("backend").asText());
        assertTrue(report.at("/machine/cores").asInt() >= 1, "cores: " + report.at("/machine"));
        assertEquals(14, report.at("/setup/modules").asInt(), "2 layers of 7 modules");
        assertTrue(
                report.at("/jvm/version").asText().startsWith("17"),
                report.at("/jvm").toString());
        for (String op : OPS) {
            JsonNode o = report.at("/ops/" + op);
            double ours = o.get("ours_s").asDouble();
            double peer = o.get("peer_s").asDouble();
            assertTrue(ours > 0 && peer > 0, op + ": " + o);
            assertEquals(
                    peer / ours, o.get("speedup").asDouble(), 1e-9 * peer / ours, op + ": speed-up is peer / ours");
            assertTrue(
                    o.at("/ours/min_s").asDouble() <= ours
                            && ours <= o.at("/ours/max_s").asDouble(),
                    op + ": " + o);
            double limit = o.get("limit_s").asDouble();
            assertTrue(limit > 0, op + ": a physical limit: " + o);
            assertEquals(ours / limit, o.get("of_limit").asDouble(), 1e-9 * ours / limit, op + ": ours ÷ limit");
        }
        assertTrue(report.at("/limits/bytes_per_second").asDouble() > 0, "measured bandwidth: " + report.at("/limits"));
        assertEquals(12, report.get("targets").size(), "issue 22's targets: " + report.get("targets"));
        JsonNode ties = null;
        for (JsonNode target : report.get("targets")) {
            if (target.path("id").asText().equals("ties_svd_vs_issue_baseline")) {
                ties = target;
            }
        }
        assertNotNull(ties, "a ties_svd target: " + report.get("targets"));
        assertEquals(
                "not measured",
                ties.path("verdict").asText(),
                "the ties_svd baseline is for the 7B shape only: " + ties);
        assertTrue(report.at("/ops/ties_svd/ours/extrapolated").asBoolean(), "dense work is sampled per shape");
        assertTrue(
                report.at("/dense_spectrum/peer_s").asDouble() > 0,
                "peer dense_spectrum: " + report.at("/dense_spectrum"));
        assertTrue(run.err().contains("numpy peer"), "progress goes to stderr: " + run.err());
        // the saved report renders as the README's Markdown section without running anything
        Path saved = Files.writeString(tmp.resolve("bench.json"), run.out());
        CliRun md = CliRun.of("bench", "--render", saved.toString(), "--markdown");
        assertEquals(0, md.status(), md.err());
        assertTrue(
                md.out().contains("| `ties_svd` |")
                        && md.out().contains("speed-up")
                        && md.out().contains("nd4j-cpu"),
                md.out());
        assertTrue(md.err().isEmpty(), "nothing ran: " + md.err());
    }

    @Test
    void methodsRunEveryMergeMethodOnOneModuleWithThePeer() throws Exception {
        CliRun run = CliRun.of("bench", "--quick", "--methods", "--peer", "--json", "--cache", tmp.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(
                "512x512",
                report.at("/setup/shape").asText(),
                report.at("/setup").toString());
        assertEquals(14, report.get("methods").size(), report.get("methods").toString());
        for (Iterator<Map.Entry<String, JsonNode>> it = report.get("methods").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode o = e.getValue();
            double ours = o.get("ours_s").asDouble();
            double peer = o.get("peer_s").asDouble();
            assertTrue(ours > 0 && peer > 0, e.getKey() + ": " + o);
            assertEquals(peer / ours, o.get("speedup").asDouble(), 1e-9 * peer / ours, e.getKey());
        }
        assertEquals("factored", report.at("/methods/tsv/ours_path").asText());
        assertEquals("dense", report.at("/methods/sce/ours_path").asText());
        CliRun unknown = CliRun.of("bench", "--quick", "--methods", "--ops", "tsv,fft", "--cache", tmp.toString());
        assertEquals(2, unknown.status(), unknown.err());
        assertTrue(unknown.err().contains("fft") && unknown.err().contains("karcher"), unknown.err());
    }

    @Test
    void tableWithoutThePeerAndUnknownOperations() {
        CliRun table = CliRun.of("bench", "--quick", "--ops", "spectrum,plus_truncate", "--cache", tmp.toString());
        assertEquals(0, table.status(), table.err());
        assertTrue(
                table.out().contains("spectrum")
                        && table.out().contains("plus_truncate")
                        && !table.out().contains("route"),
                table.out());
        assertTrue(
                table.out().contains("nd4j-cpu") && table.out().contains("—"), "no peer, no speed-up: " + table.out());
        CliRun unknown = CliRun.of("bench", "--quick", "--ops", "spectrum,fft", "--cache", tmp.toString());
        assertNotEquals(0, unknown.status());
        assertTrue(unknown.err().contains("fft") && unknown.err().contains("plus_truncate"), unknown.err());
    }

    @Test
    void theMemoryRunComputesOnTheBackendTheRunChose() throws Exception {
        // the child JVM of the memory measurement must not fall back to LORA_BACKEND (here a name that exists
        // nowhere): on the GPU bundle, --backend cuda with the default cpu absent, that failed the whole bench
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        CliRun.repoRoot().resolve("lora").toString(),
                        "bench",
                        "--quick",
                        "--no-e2e",
                        "--ops",
                        "spectrum",
                        "--backend",
                        "cpu",
                        "--json",
                        "--cache",
                        tmp.toString())
                .redirectOutput(tmp.resolve("out.json").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().put("LORA_CLASSPATH", CliRun.launcherClasspath());
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().put("LORA_BACKEND", "no-such-backend");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "lora bench did not finish");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("out.json").toFile());
        assertTrue(
                report.at("/ops/spectrum/peak_rss_bytes").asLong() > 0,
                "the memory run measured: " + report.at("/ops/spectrum"));
    }
}
