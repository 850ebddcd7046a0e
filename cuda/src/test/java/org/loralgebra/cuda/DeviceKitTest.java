package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The device kit's scripts (device/) parse ({@code bash -n}, {@code python3 -m py_compile}), the summary of a returned
 * run ({@code device/summarize.py}) passes its tests, and {@code device/build-bundle --check-only} passes: the tree fits under the 64 MiB the device tool carries.
 */
class DeviceKitTest {
    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("device/build-bundle"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no device/build-bundle above " + Path.of("").toAbsolutePath());
    }

    private static String run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd + " did not finish in 60 s");
        assertEquals(0, p.exitValue(), cmd + ": " + out);
        return out;
    }

    @Test
    void theShellScriptsParse() throws Exception {
        Path root = root();
        run(root, List.of("bash", "-n", "device/build-bundle"));
        run(root, List.of("bash", "-n", "device/run-on-device"));
    }

    @Test
    void thePythonScriptsCompile() throws Exception {
        Path root = root();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 at /usr/bin/python3");
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "py_compile"));
        try (Stream<Path> s = Files.list(root.resolve("device"))) {
            s.filter(p -> p.toString().endsWith(".py"))
                    .forEach(p -> cmd.add(root.relativize(p).toString()));
        }
        assertTrue(cmd.size() >= 6, "python scripts found: " + cmd);
        run(root, cmd);
    }

    @Test
    void theSummaryOfAReturnedRunPassesItsOwnTests() throws Exception {
        Path root = root();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 at /usr/bin/python3");
        String out = run(root, List.of("python3", "-m", "unittest", "-v", "device/test_summarize.py"));
        // a run that found no tests (a wrong path, an import that hid them) must not pass
        assertTrue(out.contains("Ran 3 tests") && out.contains("OK"), out);
    }

    @Test
    void checkOnlyReportsSizesWithinTheLimit() throws Exception {
        Path root = root();
        assumeTrue(Files.isDirectory(root.resolve(".git")), "not a git checkout");
        String out = run(root, List.of("device/build-bundle", "--check-only"));
        assertTrue(out.contains("build-bundle: tree ") && out.contains("(limit 65536 KiB)"), out);
    }
}
