package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Python that runs PEFT's own code for the PEFT parity ITs ({@code LORA_PEFT_PYTHON}, else the virtual
 * environment {@code .ci/run} installs: PEFT, transformers and CPU torch, pinned), and runs of the scripts in the
 * repository root with the launcher on this build's class path.
 */
final class PeftPython {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The real PEFT adapters of examples/adapters that a config-built base model can carry. */
    static final List<String> REAL_ADAPTERS = List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya");

    private PeftPython() {}

    /** The Python with PEFT; the test fails, saying how to get one, where there is none. */
    static String python() {
        String set = System.getenv("LORA_PEFT_PYTHON");
        Path python = set != null && !set.isBlank()
                ? Path.of(set)
                : Path.of(System.getProperty("user.home"), ".cache/loralgebra/peft-venv/bin/python");
        if (!Files.isExecutable(python)) {
            fail("no Python with PEFT at " + python + ": run .ci/run (it installs PEFT, transformers and CPU torch"
                    + " there), or set LORA_PEFT_PYTHON to a python that imports peft, transformers and torch");
        }
        return python.toString();
    }

    /** The launcher, for the scripts' {@code --lora}. */
    static String lora() {
        return CliRun.repoRoot().resolve("lora").toString();
    }

    /** Runs {@code command} in the repository root; its exit status must be one of {@code allowed}; its output. */
    static String run(Path tmp, List<String> command, int... allowed) throws Exception {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(CliRun.repoRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LORA_CLASSPATH", CliRun.launcherClasspath());
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 minutes");
        }
        String out = Files.readString(log);
        boolean ok = false;
        for (int code : allowed) {
            ok |= p.exitValue() == code;
        }
        assertTrue(ok, String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        return out;
    }

    /**
     * A real-adapter script ({@code kernel/src/test/python/SCRIPT}) run on {@code adapters} (names in
     * examples/adapters) with {@code args}: its verdict on each adapter, by name.
     */
    static Map<String, JsonNode> adapterVerdicts(Path tmp, String script, List<String> args, List<String> adapters)
            throws Exception {
        Path report = Files.createTempFile(tmp, "verdicts", ".json");
        List<String> command = new ArrayList<>(List.of(python(), "kernel/src/test/python/" + script, "--lora", lora()));
        command.addAll(args);
        command.addAll(List.of("--json", report.toString()));
        for (String adapter : adapters) {
            command.add(CliRun.adapter(adapter).toString());
        }
        String out = run(tmp, command, 0, 1);
        Map<String, JsonNode> byAdapter = new TreeMap<>();
        for (JsonNode a : JSON.readTree(report.toFile()).path("adapters")) {
            byAdapter.put(a.path("adapter").asText(), a);
        }
        assertEquals(adapters.size(), byAdapter.size(), out);
        return byAdapter;
    }
}
