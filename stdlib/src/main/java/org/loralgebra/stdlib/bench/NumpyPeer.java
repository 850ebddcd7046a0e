package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.loralgebra.lang.LoraException;

/**
 * Runs {@code bench/peer_numpy.py} (what a careful numpy user would write, see bench/README.md) on the same
 * adapters in the same run, and returns its JSON report.
 */
public final class NumpyPeer {
    private NumpyPeer() {}

    /** The peer script: under {@code lora.home} if set, else found from the working directory upwards. */
    public static Path script() {
        return benchFile("peer_numpy.py");
    }

    /**
     * A file under the repository's {@code bench/} folder ({@code relative} such as {@code e2e/run.py}): under
     * {@code lora.home} if set, else found from the working directory upwards.
     */
    public static Path benchFile(String relative) {
        String home = System.getProperty("lora.home");
        if (home != null && Files.isRegularFile(Path.of(home, "bench").resolve(relative))) {
            return Path.of(home, "bench").resolve(relative);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("bench").resolve(relative);
            if (Files.isRegularFile(p)) {
                return p;
            }
            dir = dir.getParent();
        }
        throw new LoraException("bench/" + relative + " not found (set -Dlora.home=<repository root>)");
    }

    /** Runs the peer and parses its JSON; {@code args} are peer_numpy.py options (without --json). */
    public static JsonNode run(List<String> args, Path scratch, long timeoutSeconds) {
        return run(script(), args, scratch, timeoutSeconds);
    }

    /** Runs a Python script of the bench folder with {@code args} and {@code --json}, and parses its JSON. */
    public static JsonNode run(Path pythonScript, List<String> args, Path scratch, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of("python3", pythonScript.toString()));
        cmd.addAll(args);
        cmd.add("--json");
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "peer-", ".json");
            Path err = Files.createTempFile(scratch, "peer-", ".err");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            // the peer runs as a user would run it: without the malloc tuning the lora launcher gives the JVM
            // (numpy asks for huge pages for its arrays itself)
            pb.environment().remove("GLIBC_TUNABLES");
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LoraException("bench/" + relative(pythonScript) + " ran past " + timeoutSeconds + " s: "
                        + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new LoraException("bench/" + relative(pythonScript) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new ObjectMapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LoraException(
                    "cannot run bench/" + relative(pythonScript) + " (" + String.join(" ", cmd) + "): "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoraException("interrupted while bench/" + relative(pythonScript) + " ran", e);
        }
    }

    private static String relative(Path script) {
        Path parent = script.getParent();
        return parent != null
                        && parent.getFileName() != null
                        && !parent.getFileName().toString().equals("bench")
                ? parent.getFileName() + "/" + script.getFileName()
                : String.valueOf(script.getFileName());
    }
}
