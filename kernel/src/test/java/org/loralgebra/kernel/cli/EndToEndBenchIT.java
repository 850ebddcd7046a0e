package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.stdlib.bench.CommandTiming;
import org.loralgebra.stdlib.bench.EndToEnd;

/**
 * {@code lora bench}'s end-to-end section as it runs: {@code bench/e2e/run.py} timing the real launcher (on this
 * build's classes) and the peer's whole scripts, each in a fresh process; and the peer script computing what our
 * command computes, so that the two sides of a ratio do the same work.
 */
class EndToEndBenchIT {
    @TempDir
    Path tmp;

    private static String classpath() throws IOException {
        return CliRun.launcherClasspath();
    }

    private static String run(List<String> command, Path log) throws Exception {
        Path out = Files.createTempFile("e2e-out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(CliRun.repoRoot().toFile())
                .redirectOutput(out.toFile())
                .redirectError(log.toFile());
        pb.environment().put("LORA_CLASSPATH", classpath());
        pb.environment().put("LORA_XMX", "512m");
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 minutes");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(log));
        return Files.readString(out);
    }

    @Test
    void timesWholeCommandsOfBothSidesInFreshProcesses() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Path adapter = CliRun.adapter("distilbert-emotion");
        String json = run(
                List.of(
                        "python3",
                        "bench/e2e/run.py",
                        "--lora",
                        CliRun.repoRoot().resolve("lora").toString(),
                        "--adapter",
                        adapter.toString(),
                        "--small",
                        adapter.toString(),
                        "--only",
                        "inspect,spectrum,script,script_start,repl",
                        "--reps",
                        "1",
                        "--warmup",
                        "1",
                        "--think",
                        "0.5",
                        "--json"),
                tmp.resolve("run.log"));
        List<CommandTiming> timings =
                EndToEnd.fromJson(new ObjectMapper().readTree(json).path("commands"));
        assertEquals(
                List.of("inspect", "spectrum", "script", "script_start", "repl"),
                timings.stream().map(CommandTiming::name).toList(),
                json);
        for (CommandTiming t : timings) {
            assertTrue(t.ours().medianSeconds() > 0 && t.ours().reps() == 1, t.name() + ": " + t.ours());
            assertEquals(
                    !t.name().equals("repl") && !t.name().equals("script_start"),
                    t.peer().isPresent(),
                    t.name() + " has a peer script: " + t);
        }
        CommandTiming repl = timings.get(4);
        assertTrue(repl.parts().containsKey("prompt"), "the REPL's time to its prompt: " + repl.parts());
    }

    @Test
    void thePeersSpectrumScriptPrintsWhatLoraSpectrumPrints() throws Exception {
        Path adapter = CliRun.adapter("distilbert-emotion");
        JsonNode ours = new ObjectMapper()
                .readTree(CliRun.of("spectrum", "--json", adapter.toString()).out())
                .path("modules");
        JsonNode peer = new ObjectMapper()
                .readTree(run(List.of("python3", "bench/e2e/spectrum.py", adapter.toString()), tmp.resolve("peer.log")))
                .path("modules");
        assertEquals(ours.size(), peer.size(), "modules: ours " + ours.size() + ", peer " + peer.size());
        double worst = 0;
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = peer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().replaceFirst("^base_model\\.model\\.", "");
            names.add(name);
            JsonNode o = ours.path(name);
            assertEquals(
                    e.getValue().size(), o.size(), name + ": singular values, peer " + e.getValue() + ", ours " + o);
            double top = e.getValue().get(0).asDouble();
            for (int i = 0; i < o.size(); i++) {
                worst = Math.max(
                        worst,
                        Math.abs(o.get(i).asDouble() - e.getValue().get(i).asDouble()) / top);
            }
        }
        assertTrue(worst <= 1e-5, "largest difference relative to σ₁: " + worst + " over " + names);
    }
}
