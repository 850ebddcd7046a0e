package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.loralgebra.NumericAssertions.assertAtLeast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numpy peer's own tests, {@code bench/test_peer_numpy.py} (every op of {@code bench/peer_numpy.py} against a
 * dense or looped numpy reference, see bench/README.md), run as {@code python3 -m unittest} from the repository root,
 * so that {@code mvn verify} (what CI runs) fails when the peer that {@code lora bench --peer} compares against is
 * wrong. Needs python3 with numpy on the PATH ({@code .ci/run} installs python3-numpy).
 */
class NumpyPeerTestsIT {
    private static final Pattern RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in ");

    @TempDir
    Path tmp;

    @Test
    void theNumpyPeersOwnTestsPass() throws Exception {
        Path root = NumpyPeer.script().getParent().getParent();
        List<String> command = List.of("python3", "-m", "unittest", "-v", "bench/test_peer_numpy.py");
        Path log = tmp.resolve("unittest.log");
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            fail("cannot start " + String.join(" ", command) + " (python3 with numpy is needed; .ci/run installs "
                    + "python3-numpy): " + e.getMessage());
            return;
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " ran past 10 minutes:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "in " + root + ": " + String.join(" ", command) + "\n" + output);
        Matcher ran = RAN.matcher(output);
        assertTrue(ran.find(), "unittest's summary line in:\n" + output);
        // the file holds 34 tests; a run that found none (a wrong path, an import that hid them) must not pass
        assertAtLeast(Integer.parseInt(ran.group(1)), 30, "tests run by " + String.join(" ", command) + "\n" + output);
    }
}
