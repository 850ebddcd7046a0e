package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./lora} bash launcher, run as a subprocess on this build's classes ({@code LORA_CLASSPATH}, so the
 * test never starts a nested Maven build): it must find its repository from any working directory, resolve the
 * user's paths against that directory, and print what {@code lora} in this JVM prints.
 */
class LauncherIT {
    private record Result(int status, String out, String err) {}

    private static String classpath() throws IOException {
        return CliRun.launcherClasspath();
    }

    private static Result lora(Path cwd, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("bash", CliRun.repoRoot().resolve("lora").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("lora-out", ".txt");
        Path err = Files.createTempFile("lora-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(cwd.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().remove("JAVA_OPTS");
            pb.environment().remove(Main.STACKTRACE_ENV);
            pb.environment().put("LORA_CLASSPATH", classpath());
            pb.environment().put("LORA_XMX", "512m");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("./lora " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The packaged kernel jar; the test is skipped where it is not built (mvn verify packages it first). */
    private static Path builtKernelJar() throws IOException {
        Path jar;
        try (var jars = Files.list(CliRun.repoRoot().resolve("kernel").resolve("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("loralgebra-kernel-.*\\.jar"))
                    .findFirst()
                    .orElse(null);
        }
        assumeTrue(jar != null, "the kernel jar is built (mvn verify packages it before this runs)");
        return jar;
    }

    /** A class path of jars only: {@code jar}, then the kernel's runtime dependencies. */
    private static String jarsOnly(Path jar) throws IOException {
        String deps = System.getProperty("loralgebra.kernel.runtimeDependenciesFile");
        assumeTrue(deps != null, "the build names the kernel's runtime dependencies");
        return jar + File.pathSeparator + Files.readString(Path.of(deps)).trim();
    }

    /** The environment of a script run on {@code jarsOnly}, with a script cache of its own under {@code tmp}. */
    private static Map<String, String> scriptEnv(String jarsOnly, Path tmp) {
        return Map.of(
                "LORA_CLASSPATH",
                jarsOnly,
                "XDG_CACHE_HOME",
                tmp.resolve("cache").toString());
    }

    /** {@code env} with {@code JAVA_OPTS} set to {@code opts}. */
    private static Map<String, String> withJavaOpts(Map<String, String> env, String opts) {
        Map<String, String> with = new HashMap<>(env);
        with.put("JAVA_OPTS", opts);
        return with;
    }

    @Test
    void inspectJsonFromTheRepositoryRootMatchesTheInProcessRun() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Result run = lora(CliRun.repoRoot(), Map.of(), "inspect", "examples/adapters/distilbert-imdb", "--json");
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        assertEquals(
                CliRun.of("inspect", CliRun.adapter("distilbert-imdb").toString(), "--json")
                        .out(),
                run.out());
    }

    @Test
    void aJdkOlderThan17OrNoneIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
        // a JDK 11 by its release file; its java, were it started, would say so
        Path jdk11 = Files.createDirectories(tmp.resolve("jdk-11/bin")).getParent();
        Path java = Files.writeString(jdk11.resolve("bin/java"), "#!/bin/sh\necho java was started >&2\nexit 99\n");
        assertTrue(java.toFile().setExecutable(true));
        Files.writeString(jdk11.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.22\"\n");
        Result old = lora(
                CliRun.repoRoot(),
                Map.of("JAVA_HOME", jdk11.toString()),
                "inspect",
                "examples/adapters/distilbert-imdb");
        assertEquals(2, old.status(), old.err());
        assertEquals(
                "lora: error: " + java.toRealPath()
                        + " is Java 11; LoRAlgebra needs a JDK 17 or later (set JAVA_HOME to" + " one)\n",
                old.err());
        Path none = tmp.resolve("no-jdk-here");
        Result missing = lora(CliRun.repoRoot(), Map.of("JAVA_HOME", none.toString()), "inspect", "x");
        assertEquals(2, missing.status(), missing.err());
        assertEquals(
                "lora: error: no java: JAVA_HOME=" + none + " has no bin/java; LoRAlgebra needs a JDK 17 or later\n",
                missing.err());
    }

    @Test
    void pathsAreRelativeToTheCallersDirectory(@TempDir Path elsewhere) throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Path relative = elsewhere.relativize(CliRun.adapter("gpt2-tigrinya"));
        Result run = lora(elsewhere, Map.of(), "inspect", relative.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(
                CliRun.of("inspect", CliRun.adapter("gpt2-tigrinya").toString()).out(), run.out());

        Result missing = lora(elsewhere, Map.of(), "inspect", "no-such-adapter");
        assertEquals(ExitCodes.INPUT, missing.status());
        assertEquals("", missing.out());
        assertTrue(missing.err().startsWith("lora: error: no-such-adapter: "), missing.err());
    }

    /**
     * On a class path of jars only (what the launcher builds), the first run of a verb archives its classes (AppCDS)
     * and later runs map that archive: both print exactly what the verb prints without it, and nothing else.
     */
    @Test
    void classDataSharingArchivesAVerbOnceAndChangesNothingItPrints() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Path kernel = CliRun.repoRoot().resolve("kernel").resolve("target");
        String jarsOnly = jarsOnly(builtKernelJar());
        Map<String, String> env = Map.of("LORA_CLASSPATH", jarsOnly);
        String expected = CliRun.of("inspect", CliRun.adapter("distilbert-imdb").toString(), "--json")
                .out();
        for (int run = 1; run <= 2; run++) {
            Result r = lora(CliRun.repoRoot(), env, "inspect", "examples/adapters/distilbert-imdb", "--json");
            assertEquals(0, r.status(), "run " + run + ": " + r.err());
            assertEquals("", r.err(), "run " + run);
            assertEquals(expected, r.out(), "run " + run);
        }
        try (var archives = Files.walk(kernel.resolve("cds"))) {
            assertTrue(
                    archives.anyMatch(p -> p.getFileName().toString().equals("inspect.jsa")),
                    "an inspect archive under " + kernel.resolve("cds"));
        }
        Result failing = lora(CliRun.repoRoot(), env, "inspect", "no-such-adapter");
        assertEquals(ExitCodes.INPUT, failing.status(), "the verb's exit status passes through: " + failing.err());
    }

    /**
     * A jar rebuilt without the launcher (another time or size on disk) makes the JVM ignore an archive silently; the
     * launcher keys archives by their jars' sizes and times, so the next run archives afresh and the one after maps
     * the new archive.
     */
    @Test
    void aChangedJarGetsAFreshArchive(@TempDir Path tmp) throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Path jar = Files.copy(builtKernelJar(), tmp.resolve("loralgebra-kernel-copy.jar"));
        String jarsOnly = jarsOnly(jar);
        String[] inspect = {"inspect", "examples/adapters/distilbert-imdb", "--json"};
        for (int run = 1; run <= 2; run++) {
            Result r = lora(CliRun.repoRoot(), Map.of("LORA_CLASSPATH", jarsOnly), inspect);
            assertEquals(0, r.status(), "run " + run + ": " + r.err());
        }
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 100_000));
        Map<String, String> logged = Map.of("LORA_CLASSPATH", jarsOnly, "JAVA_OPTS", "-Xlog:cds=info");
        String ignored = "A jar file is not the one used while building the shared archive file";
        Result rearchived = lora(CliRun.repoRoot(), logged, inspect);
        assertEquals(0, rearchived.status(), rearchived.err());
        assertFalse(rearchived.out().contains(ignored), "the old archive was tried:\n" + rearchived.out());
        Result mapped = lora(CliRun.repoRoot(), logged, inspect);
        assertEquals(0, mapped.status(), mapped.err());
        assertFalse(mapped.out().contains(ignored), "the archive was ignored:\n" + mapped.out());
        assertTrue(mapped.out().contains("Mapped dynamic region"), "no archive was mapped:\n" + mapped.out());
    }

    /**
     * {@code lora run} has two archives: {@code run} (dumped by a compiling run; it holds the Kotlin compiler) and
     * {@code run-cached}, which a script maps once the script cache holds it as it is on disk. An edited script, or
     * {@code --no-cache}, compiles and maps {@code run}. The script prints the same under each.
     */
    @Test
    void aScriptRunUnchangedMapsTheArchiveOfCachedRuns(@TempDir Path tmp) throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        String jarsOnly = jarsOnly(builtKernelJar());
        Path script = Files.writeString(tmp.resolve("hello.lora.kts"), "println(\"hello \" + args[0])\n");
        Map<String, String> env = scriptEnv(jarsOnly, tmp);
        Map<String, String> logged = withJavaOpts(env, "-Xlog:cds=info");
        for (int run = 1; run <= 2; run++) {
            Result r = lora(tmp, env, "run", script.toString(), String.valueOf(run));
            assertEquals(0, r.status(), "run " + run + ": " + r.err());
            assertEquals("hello " + run + "\n", r.out(), "run " + run);
        }
        Result cached = lora(tmp, logged, "run", "hello.lora.kts", "3");
        assertEquals(0, cached.status(), cached.err());
        assertTrue(cached.out().endsWith("hello 3\n"), cached.out());
        assertTrue(
                cached.out().contains("/run-cached.jsa."), "the cached runs' archive was not mapped:\n" + cached.out());

        Files.writeString(script, "println(\"edited \" + args[0])\n");
        Result edited = lora(tmp, logged, "run", "hello.lora.kts", "4");
        assertEquals(0, edited.status(), edited.err());
        assertTrue(edited.out().endsWith("edited 4\n"), edited.out());
        assertTrue(
                edited.out().contains("/run.jsa."),
                "an edited script maps the compiling runs' archive:\n" + edited.out());
        assertFalse(edited.out().contains("/run-cached.jsa"), edited.out());

        Result noCache = lora(tmp, logged, "run", "--no-cache", "hello.lora.kts", "5");
        assertEquals(0, noCache.status(), noCache.err());
        assertTrue(noCache.out().endsWith("edited 5\n"), noCache.out());
        assertTrue(
                noCache.out().contains("/run.jsa."),
                "--no-cache compiles, with the compiling runs' archive:\n" + noCache.out());
    }

    /**
     * The archive of cached scripts is often dumped by a one-line script, which exits before the engine's warm-up
     * is over; the dumping run waits for it and starts the backend, so a script that computes later finds ND4J's
     * native executioner in the archive.
     */
    @Test
    void aOneLineScriptDumpsAnArchiveThatHoldsTheBackend(@TempDir Path tmp) throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        // a copy of the jar: a key, and so archives, of this test's own
        String jarsOnly = jarsOnly(Files.copy(builtKernelJar(), tmp.resolve("loralgebra-kernel-copy.jar")));
        Map<String, String> env = scriptEnv(jarsOnly, tmp);
        Path hello = Files.writeString(tmp.resolve("hello.lora.kts"), "println(\"hello\")\n");
        Path spectrum = Files.writeString(
                tmp.resolve("spectrum.lora.kts"), "println(Lora.load(args[0]).spectrum().values().size)\n");
        String adapter = CliRun.adapter("distilbert-imdb").toString();
        for (int run = 1; run <= 2; run++) {
            Result r = lora(tmp, env, "run", hello.toString());
            assertEquals("hello\n", r.out(), "run " + run + ": " + r.err());
        }
        assertEquals("12\n", lora(tmp, env, "run", spectrum.toString(), adapter).out());
        Map<String, String> logged = withJavaOpts(env, "-Xlog:class+load=info");
        Result cached = lora(tmp, logged, "run", spectrum.toString(), adapter);
        assertEquals(0, cached.status(), cached.err());
        assertTrue(cached.out().lines().anyMatch("12"::equals), "the script's output among the log's lines");
        String executioner = "org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner source: ";
        String line = cached.out()
                .lines()
                .filter(l -> l.contains(executioner))
                .findFirst()
                .orElse("not loaded");
        assertTrue(line.endsWith("shared objects file (top)"), "from the cached scripts' archive: " + line);
    }

    /**
     * The verbs whose work is native code ({@code inspect}, the spectrum of {@code spectrum}, {@code analyze} and
     * {@code plot}, {@code analyze similarity}), help and the version run on the C1 compiler alone; the verbs whose
     * Java loops need C2 keep tiered compilation.
     */
    @Test
    void readOnlyAnalysesInspectAndHelpRunOnC1Alone() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Map<String, String> flags = Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String line : List.of(
                "inspect --help",
                "spectrum --help",
                "--stacktrace spectrum --help",
                "analyze spectrum --help",
                "plot spectrum --help",
                "--help",
                "--version",
                "merge --help",
                "analyze similarity --no-such-option",
                "analyze interference -h")) {
            expected.put(line, 1);
        }
        // computing verbs, each with an argument that fails before anything is read
        for (String line : List.of(
                "analyze interference --no-such-option", "merge --no-such-option", "squeeze --no-such-option")) {
            expected.put(line, 4);
        }
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Result r = lora(CliRun.repoRoot(), flags, e.getKey().split(" "));
            assertEquals(e.getKey().contains("no-such") ? ExitCodes.USAGE : 0, r.status(), e.getKey() + ": " + r.err());
            String level = r.out()
                    .lines()
                    .filter(l -> l.trim().startsWith("intx TieredStopAtLevel "))
                    .map(l -> l.trim().split("\\s+")[3])
                    .findFirst()
                    .orElse("not printed");
            assertEquals(String.valueOf(e.getValue()), level, "lora " + e.getKey());
        }
    }

    @Test
    void malformedHeapSizeIsRefusedBeforeJavaStarts() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(), "bash is needed");
        Result run = lora(CliRun.repoRoot(), Map.of("LORA_XMX", "4 gigs"), "--version");
        assertEquals(ExitCodes.USAGE, run.status());
        assertTrue(run.err().startsWith("lora: error: LORA_XMX='4 gigs' is not a size"), run.err());
    }
}
