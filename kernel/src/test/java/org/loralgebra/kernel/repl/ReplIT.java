package org.loralgebra.kernel.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.kernel.jupyter.ClasspathFile;

/**
 * The REPL as a person uses it: {@code ./lora repl} (the real launcher, on the packaged build's classpath) on
 * a pseudo-terminal (python3's pty module), typed into line by line, answers read back from the screen.
 */
class ReplIT {
    @TempDir
    Path home;

    @Test
    void aTerminalSessionEvaluatesRecoversFromErrorsAndKeepsHistory() throws Exception {
        String imdb = RealAdapters.path("distilbert-imdb").toString();
        List<List<String>> steps = List.of(
                List.of("1 + 2\r", "res\\d+: Int = 3"),
                List.of("nope * 2\r", "input:1:1: error: Unresolved reference: nope"),
                List.of("Lora.load(\"" + imdb + "-missing\")\r", "input:1: error: [^\\n]*distilbert-imdb-missing"),
                List.of("val a = Lora.load(\r", "\\.\\.\\. "),
                List.of("    \"" + imdb + "\")\r", "lora> "),
                List.of("(0.5 * a).label()\r", "res\\d+: String = 0\\.5·distilbert-imdb"),
                List.of("a.modules().size\r", "res\\d+: Int = 12"));
        drive(steps);
        List<String> history = Files.readAllLines(home.resolve(".lora_history"));
        assertTrue(history.stream().anyMatch(l -> l.endsWith("1 + 2")), "history kept: " + history);
    }

    /**
     * What a person types that shells and line editors like to rewrite or swallow: {@code !!} (Kotlin's not-null
     * assertion, not history expansion), Ctrl-C during a long evaluation (one that waits, one that spins) which must
     * keep the session and its values, Tab completion of names, members and static members, and the commands.
     */
    @Test
    void typedInputRunsAsTypedCtrlCInterruptsAndTabCompletes() throws Exception {
        String imdb = RealAdapters.path("distilbert-imdb").toString();
        Files.writeString(home.resolve("loaded.kts"), "val fromFile = 6 * 7\n");
        List<List<String>> steps = List.of(
                List.of("val s: String? = \"abc\"\r", "lora> "),
                List.of("s!!.length\r", "res\\d+: Int = 3"),
                List.of("val kept = 41\r", "lora> "),
                List.of("println(\"sleep\" + \"ing\"); Thread.sleep(600_000)\r", "sleeping"),
                List.of("\u0003", "interrupted"),
                List.of("kept + 1\r", "res\\d+: Int = 42"),
                List.of("println(\"spin\" + \"ning\"); var n = 0L; while (true) n++\r", "spinning"),
                List.of("\u0003", "interrupted"),
                List.of("kept + 2\r", "res\\d+: Int = 43"),
                List.of("val imdbAdapter = Lora.load(\"" + imdb + "\")\r", "lora> "),
                List.of("imdbAd\t", "apter"),
                List.of(".trunc\t", "truncate\\("),
                List.of("Rank.o\t", "of\\("),
                List.of("8)).modules().size\r", "res\\d+: Int = 12"),
                List.of(":load loaded.kts\r", "lora> "),
                List.of("fromFile\r", "res\\d+: Int = 42"),
                List.of(":nope\r", "unknown command :nope: the commands are :help, :load FILE and :quit"),
                List.of(":help\r", ":load FILE"));
        drive(steps);
    }

    /** Runs {@code ./lora repl} on a pseudo-terminal through {@code steps}, then {@code :quit}; it must exit 0. */
    private void drive(List<List<String>> steps) throws Exception {
        Path script = home.resolve("session.json");
        new ObjectMapper()
                .writeValue(
                        script.toFile(), Map.of("ready", "lora> ", "steps", steps, "exit", ":quit\r", "timeout", 180));

        Path root = Path.of(System.getProperty("loralgebra.repoRoot"))
                .toAbsolutePath()
                .normalize();
        String classpath = String.join(
                File.pathSeparator,
                ClasspathFile.read(Path.of(System.getProperty("loralgebra.kernel.runtimeClasspathFile"))).stream()
                        .map(Path::toString)
                        .toList());
        List<String> command = List.of(
                "python3",
                Path.of("src/test/resources/repl/drive_repl.py")
                        .toAbsolutePath()
                        .toString(),
                script.toString(),
                "--",
                "bash",
                root.resolve("lora").toString(),
                "repl");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
        pb.environment().put("LORA_CLASSPATH", classpath);
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().put("JAVA_OPTS", "-Duser.home=" + home);
        pb.environment().remove("LORA_STACKTRACE");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        String transcript = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), transcript);
    }
}
