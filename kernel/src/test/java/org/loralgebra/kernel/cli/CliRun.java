package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One run of {@code lora} in this JVM: exit status and what it wrote. */
record CliRun(int status, String out, String err) {
    static CliRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    static CliRun withEnv(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), env, args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** The repository root (the folder holding {@code lora} and {@code examples/adapters}), found upwards from here. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("lora")) && Files.isDirectory(p.resolve("examples/adapters"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (with ./lora and examples/adapters) above "
                + Path.of("").toAbsolutePath());
    }

    /**
     * The class path the {@code ./lora} launcher runs on in tests ({@code LORA_CLASSPATH}): this build's classes and
     * runtime dependencies, as surefire/failsafe name them; the test is skipped when not run by Maven.
     */
    static String launcherClasspath() throws IOException {
        String classes = System.getProperty("loralgebra.kernel.classesDir");
        String deps = System.getProperty("loralgebra.kernel.runtimeDependenciesFile");
        assumeTrue(
                classes != null && deps != null && Files.isRegularFile(Path.of(deps)),
                "run by Maven (surefire sets loralgebra.kernel.classesDir and runtimeDependenciesFile)");
        return classes + File.pathSeparator + Files.readString(Path.of(deps)).trim();
    }

    static Path adapter(String name) {
        return repoRoot().resolve("examples/adapters").resolve(name);
    }
}
