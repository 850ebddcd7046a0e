package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across processes (child JVMs, so an integration test), as {@code lora} starts: the first process on a fresh cache runs the check and records the pass,
 * the second skips it, and a second process under other OpenBLAS kernels ({@code OPENBLAS_CORETYPE}) or with
 * {@code LORA_BLAS_CHECK=always} runs it again.
 */
class BlasVerdictCacheIT {
    @Test
    void theSecondProcessSkipsTheCheckUnlessTheKernelsChangeOrTheCheckIsForced(@TempDir Path cache)
            throws IOException, InterruptedException {
        String inherited = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "");
        String other = inherited.equalsIgnoreCase("Haswell") ? "Sandybridge" : "Haswell";
        assumeTrue(
                CpuDescription.current().flags().containsAll(Set.of("avx2", "fma")),
                "needs a CPU that runs OpenBLAS's Haswell kernels");

        String first = probe(cache, Map.of());
        assertTrue(first.contains("verdict: checked"), first);
        assertEquals(1, entries(cache), "entries after a first pass");

        String second = probe(cache, Map.of());
        assertTrue(second.contains("verdict: cached"), second);
        assertTrue(second.contains("76 checks passed (verdict cached"), second);

        String selfCheck = probe(cache, Map.of(), "self-check");
        assertTrue(selfCheck.contains("verdict: cached"), selfCheck);
        assertTrue(
                selfCheck.contains("76 checks passed in ")
                        && selfCheck.contains("verdict: checked (cached pass before: yes, cache refreshed)"),
                "self-check runs the check even with a cached pass: " + selfCheck);
        assertEquals(1, entries(cache), "entries after the self-check");

        String otherKernels = probe(cache, Map.of("OPENBLAS_CORETYPE", other));
        assertTrue(otherKernels.contains("verdict: checked"), "under OPENBLAS_CORETYPE=" + other + ": " + otherKernels);
        assertTrue(otherKernels.contains(other + " (forced"), otherKernels);
        assertEquals(2, entries(cache), "entries after passes under two kernels");

        String forced = probe(cache, Map.of(BlasSelfCheck.FORCE_VARIABLE, "always"));
        assertTrue(forced.contains("verdict: checked"), "with LORA_BLAS_CHECK=always: " + forced);
    }

    private static long entries(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("loralgebra"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("blas-self-check-"))
                    .count();
        }
    }

    private static String probe(Path cache, Map<String, String> extra, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java, "-Xss16m", "-cp", System.getProperty("java.class.path"), BlasVerdictProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(pb.environment());
        env.remove(BlasSelfCheck.FORCE_VARIABLE);
        env.put("XDG_CACHE_HOME", cache.toString());
        env.putAll(extra);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), "probe with " + extra + ":\n" + out);
        return out;
    }
}
