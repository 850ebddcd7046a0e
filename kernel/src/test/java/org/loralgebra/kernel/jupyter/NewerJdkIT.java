package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.NewerJdk;

/**
 * The README's first command from a fresh checkout (its build included), a script, the REPL, a computing verb and a
 * notebook on the newest JDK this machine has, when that is 24 or later (Temurin 25 on the project's machines), while
 * the build runs on JDK 17. Two things broke there: Kotlin compilers before 2.2.20 reject JDK 25's version string
 * (the build, every script and every notebook cell failed with {@code IllegalArgumentException: 25.0.3}), and JDK 24+
 * prints eight lines of warnings about JavaCPP's native access on every run. Each result is compared with the same run
 * on the build's JDK, byte for byte. The JDK is {@link NewerJdk}'s; without one the tests are skipped, saying so.
 */
class NewerJdkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String Q0 = "distilbert.transformer.layer.0.attention.q_lin";

    @TempDir
    static Path tmp;

    private static Path newerJdk;

    private record Result(int status, String out, String err) {}

    @BeforeAll
    static void findJdk() throws IOException {
        newerJdk = NewerJdk.required(24);
    }

    @Test
    void aScriptCompilesAndPrintsTheSameSpectrumWithoutWarnings() throws Exception {
        Path script = Files.writeString(
                tmp.resolve("spectrum.lora.kts"),
                "val a = Lora.load(args[0])\n" + "println(a.spectrum().module(\"" + Q0 + "\").joinToString(\" \"))\n");
        String adapter =
                repoRoot().resolve("examples/adapters/distilbert-emotion").toString();
        Result newer = lora(newerJdk, "run", "--no-cache", script.toString(), adapter);
        Result build = lora(buildJdk(), "run", "--no-cache", script.toString(), adapter);
        assertEquals(0, newer.status(), "lora run on " + newerJdk + ":\n" + newer.err());
        assertEquals(0, build.status(), build.err());
        assertEquals(build.err(), newer.err(), "standard error on " + newerJdk + " and on the build's JDK");
        assertEquals(8, newer.out().trim().split(" ").length, "eight singular values: " + newer.out());
        assertEquals(build.out(), newer.out(), "the spectrum on " + newerJdk + " and on the build's JDK");
    }

    @Test
    void aComputingVerbGivesTheSameJsonWithoutWarnings() throws Exception {
        String adapter = repoRoot().resolve("examples/adapters/distilbert-imdb").toString();
        Result newer = lora(newerJdk, "spectrum", "--json", adapter);
        Result build = lora(buildJdk(), "spectrum", "--json", adapter);
        assertEquals(0, newer.status(), newer.err());
        assertEquals(0, build.status(), build.err());
        assertEquals(build.err(), newer.err(), "standard error on " + newerJdk + " and on the build's JDK");
        assertEquals(build.out(), newer.out(), "lora spectrum --json on " + newerJdk + " and on the build's JDK");
    }

    @Test
    void theReadmesFirstCommandBuildsAndRunsOnThatJdk() throws Exception {
        // what a fresh clone holds: the tracked files and those git does not ignore, no build output
        Path checkout = Files.createDirectories(tmp.resolve("checkout"));
        Process ls = new ProcessBuilder("git", "ls-files", "-co", "--exclude-standard", "-z")
                .directory(repoRoot().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String listing = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ls.waitFor(), "git ls-files in " + repoRoot());
        for (String file : listing.split("\0")) {
            Path from = repoRoot().resolve(file);
            if (!file.isEmpty() && Files.isRegularFile(from)) {
                Path to = checkout.resolve(file);
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        List<String> quickstart = List.of("run", "examples/quickstart.lora.kts", "out/quickstart");
        // no LORA_CLASSPATH: the launcher builds the kernel with that JDK's Maven run first, as on a fresh machine
        Result newer = launch(checkout, newerJdk, null, null, quickstart, 15);
        assertEquals(0, newer.status(), "./lora run on " + newerJdk + " from a fresh checkout:\n" + newer.err());
        Result build = launch(checkout, buildJdk(), null, launcherClasspath(), quickstart, 5);
        assertEquals(0, build.status(), build.err());
        assertTrue(newer.out().contains("saved out/quickstart: 12 modules, rank 8"), newer.out());
        assertEquals(build.out(), newer.out(), "the quickstart on " + newerJdk + " and on the build's JDK");
        assertEquals(build.err(), newer.err(), "standard error on " + newerJdk + " and on the build's JDK");
    }

    @Test
    void theReplEvaluatesTheSameOnThatJdk() throws Exception {
        Path input = Files.writeString(
                tmp.resolve("repl-input.txt"),
                "val a = Lora.load(\"examples/adapters/distilbert-emotion\")\n" + "a.spectrum().module(\"" + Q0
                        + "\").joinToString(\" \")\n:quit\n");
        Result newer = lora(newerJdk, input, "repl");
        Result build = lora(buildJdk(), input, "repl");
        assertEquals(0, newer.status(), "lora repl on " + newerJdk + ":\n" + newer.err());
        assertEquals(0, build.status(), build.err());
        assertTrue(newer.out().contains("res2: String = "), "the spectrum's value: " + newer.out());
        assertEquals(build.err(), newer.err(), "standard error on " + newerJdk + " and on the build's JDK");
        assertEquals(build.out(), newer.out(), "lora repl on " + newerJdk + " and on the build's JDK");
    }

    @Test
    void aNotebookRunsOnTheKernelInstalledForThatJdk() throws Exception {
        InstalledKernel kernel = InstalledKernel.install(
                Files.createDirectories(tmp.resolve("jupyter")), Map.of("JAVA_HOME", newerJdk.toString()));
        JsonNode argv = JSON.readTree(kernel.kernelspec().resolve("kernel.json").toFile())
                .get("argv");
        assertEquals(newerJdk.resolve("bin/java").toString(), argv.get(0).asText(), "the kernel's java");
        List<String> options = new ArrayList<>();
        argv.forEach(a -> options.add(a.asText()));
        assertTrue(
                options.containsAll(NativeAccessOptions.forFeature(NewerJdk.feature(newerJdk))),
                "kernel options: " + options);

        Path notebook = repoRoot().resolve("notebooks/01-quickstart.ipynb");
        Path out = tmp.resolve("executed");
        Files.createDirectories(out);
        Path log = out.resolve("nbconvert.log");
        int rc = kernel.execute(notebook, out, 15, log);
        assertEquals(0, rc, "nbconvert on " + newerJdk + ":\n" + InstalledKernel.tail(log, 60));
        JsonNode source = JSON.readTree(notebook.toFile());
        JsonNode executed = JSON.readTree(out.resolve(notebook.getFileName()).toFile());
        List<String> problems = new ArrayList<>(ExecutedNotebookCheck.problems(source, executed));
        for (JsonNode cell : executed.get("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                StringBuilder text = new StringBuilder();
                JsonNode t = output.path("text");
                if (t.isArray()) {
                    t.forEach(line -> text.append(line.asText()));
                } else {
                    text.append(t.asText());
                }
                if (NewerJdk.hasJvmWarning(text)) {
                    problems.add("a cell printed a warning: " + output);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Runs the real launcher with {@code JAVA_HOME=jdk} on this build's classes, standard input empty. */
    private static Result lora(Path jdk, String... args) throws Exception {
        return lora(jdk, null, args);
    }

    /** Runs the real launcher with {@code JAVA_HOME=jdk} on this build's classes, standard input from {@code input}. */
    private static Result lora(Path jdk, Path input, String... args) throws Exception {
        return launch(repoRoot(), jdk, input, launcherClasspath(), List.of(args), 5);
    }

    /**
     * Runs {@code root}'s launcher in {@code root} with {@code JAVA_HOME=jdk}: on {@code classpath} when given, else
     * on what the launcher builds there.
     */
    private static Result launch(
            Path root, Path jdk, Path input, String classpath, List<String> args, int timeoutMinutes) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("bash", root.resolve("lora").toString()));
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("JAVA_HOME", jdk.toString());
        if (classpath != null) {
            pb.environment().put("LORA_CLASSPATH", classpath);
        } else {
            pb.environment().remove("LORA_CLASSPATH");
        }
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("lora " + String.join(" ", args) + " on " + jdk + " did not finish in "
                    + timeoutMinutes + " minutes");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String launcherClasspath() throws IOException {
        return String.join(
                File.pathSeparator,
                ClasspathFile.read(Path.of(InstalledKernel.property("loralgebra.kernel.runtimeClasspathFile"))).stream()
                        .map(Path::toString)
                        .toList());
    }

    private static Path repoRoot() {
        return Path.of(InstalledKernel.property("loralgebra.repoRoot"))
                .toAbsolutePath()
                .normalize();
    }

    private static Path buildJdk() {
        return NewerJdk.running();
    }
}
