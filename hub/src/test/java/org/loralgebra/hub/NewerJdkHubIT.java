package org.loralgebra.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.NewerJdk;

/**
 * {@code lora hub stats} and {@code similarity} on Spark through the real launcher, on the newest JDK this machine has
 * when that is 23 or later, against the same runs on the build's JDK: every table's rows equal (Spark writes its part
 * files in any order) and no JVM warning. Spark 4.1's Hadoop client 3.4.2 called Subject.getSubject, which JDK 23 and
 * later refuse ("getSubject is not supported"): every hub verb failed there. Skipped, saying so, without such a JDK.
 */
class NewerJdkHubIT {

    @TempDir
    static Path tmp;

    private static Path newerJdk;

    private record Run(int status, String err, Path out) {}

    @BeforeAll
    static void findJdk() throws IOException {
        newerJdk = NewerJdk.required(23);
    }

    @Test
    void statsAndSimilarityGiveTheSameTablesWithoutWarnings() throws Exception {
        for (String verb : List.of("stats", "similarity")) {
            Run newer = hub(newerJdk, verb);
            Run build = hub(NewerJdk.running(), verb);
            assertEquals(0, newer.status(), "lora hub " + verb + " on " + newerJdk + ":\n" + newer.err());
            assertEquals(0, build.status(), "lora hub " + verb + ":\n" + build.err());
            assertFalse(NewerJdk.hasJvmWarning(newer.err()), "JVM warnings on " + newerJdk + ":\n" + newer.err());
            TreeMap<String, List<String>> tables = tables(newer.out());
            assertFalse(tables.isEmpty(), "no tables in " + newer.out());
            assertTrue(tables.values().stream().anyMatch(rows -> !rows.isEmpty()), "every table empty: " + tables);
            assertEquals(tables(build.out()), tables, "lora hub " + verb + " on " + newerJdk + " and the build's JDK");
        }
    }

    /** {@code lora hub VERB -o OUT examples/adapters} through the launcher on {@code jdk}. */
    private static Run hub(Path jdk, String verb) throws Exception {
        Path root = Path.of(property("loralgebra.repoRoot")).toAbsolutePath().normalize();
        Path out = tmp.resolve(verb + "-" + NewerJdk.feature(jdk));
        Path err = tmp.resolve(out.getFileName() + ".err");
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        root.resolve("lora").toString(),
                        "hub",
                        verb,
                        "--master=local[2]",
                        "-o",
                        out.toString(),
                        root.resolve("examples/adapters").toString())
                .directory(tmp.toFile())
                .redirectOutput(tmp.resolve(out.getFileName() + ".out").toFile())
                .redirectError(err.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment()
                .put(
                        "LORA_CLASSPATH",
                        Files.readString(Path.of(property("loralgebra.hub.runtimeClasspathFile")))
                                .trim());
        pb.environment().put("LORA_XMX", "1g");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("lora hub " + verb + " on " + jdk + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(err), out);
    }

    /** Each table (a sub-folder of part files) as its sorted rows. */
    private static TreeMap<String, List<String>> tables(Path out) throws IOException {
        TreeMap<String, List<String>> tables = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(out)) {
            for (Path table : dirs.filter(Files::isDirectory).toList()) {
                List<String> rows = new ArrayList<>();
                try (Stream<Path> parts = Files.list(table)) {
                    for (Path part : parts.filter(
                                    f -> f.getFileName().toString().startsWith("part-"))
                            .toList()) {
                        rows.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
                    }
                }
                rows.sort(null);
                tables.put(table.getFileName().toString(), rows);
            }
        }
        return tables;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null, "system property " + name + " is not set (the hub module's failsafe configuration)");
        return value;
    }
}
