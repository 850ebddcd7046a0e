package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch peer of the GPU benchmark ({@code device/peer_torch.py}) checked on the CPU by its own tests,
 * {@code device/test_peer_torch.py}: each op it times computes what ours computes (float64 dense references and the
 * numpy peer), and a whole run with {@code --device cpu} reports every op. Runs on the PEFT environment's Python
 * (the one with torch), so that the peer is known to be right before a GPU run times it.
 */
class TorchPeerTestsIT {
    private static final Pattern RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in ");

    @TempDir
    Path tmp;

    @Test
    void theTorchPeersOwnTestsPass() throws Exception {
        List<String> command = List.of(PeftPython.python(), "-m", "unittest", "-v", "device/test_peer_torch.py");
        String output = PeftPython.run(tmp, command, 0);
        Matcher ran = RAN.matcher(output);
        assertTrue(ran.find(), "unittest's summary line in:\n" + output);
        // the file holds 12 tests; a run that found fewer (a wrong path, an import that hid them) must not pass
        int tests = Integer.parseInt(ran.group(1));
        assertTrue(tests >= 12, tests + " tests ran, expected 12:\n" + output);
    }
}
