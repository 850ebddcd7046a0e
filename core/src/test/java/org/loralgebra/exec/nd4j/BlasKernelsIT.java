package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The BLAS/LAPACK self-check passes under every OpenBLAS kernel this CPU can execute, each forced with
 * {@code OPENBLAS_CORETYPE} in a child JVM: on an AVX-512 machine (AMD or Intel) that includes SkylakeX, the kernels
 * Intel servers get, whose F64 SVD was wrong in OpenBLAS 0.3.19. A kernel the CPU lacks the instructions for is
 * skipped (it would stop the process with an illegal instruction).
 */
class BlasKernelsIT {
    /** OpenBLAS core types and the CPU flags each needs. */
    private record Kernel(String coretype, Set<String> flags) {}

    private static final List<Kernel> KERNELS = List.of(
            new Kernel("Prescott", Set.of("pni")), // SSE3 is "pni" in /proc/cpuinfo
            new Kernel("Nehalem", Set.of("sse4_2")),
            new Kernel("Sandybridge", Set.of("avx")),
            new Kernel("Haswell", Set.of("avx2", "fma")),
            new Kernel("Zen", Set.of("avx2", "fma")),
            new Kernel("SkylakeX", Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd")),
            new Kernel("Cooperlake", Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16")),
            new Kernel("SapphireRapids", Set.of("avx512f", "avx512_bf16", "avx512_fp16", "amx_bf16")));

    @TestFactory
    List<DynamicTest> theSelfCheckPassesUnderEveryKernelThisCpuRuns() {
        Set<String> flags = CpuDescription.current().flags();
        List<DynamicTest> tests = new ArrayList<>();
        for (Kernel k : KERNELS) {
            if (flags.containsAll(k.flags())) {
                tests.add(DynamicTest.dynamicTest(
                        "OPENBLAS_CORETYPE=" + k.coretype(), () -> selfCheckPasses(k.coretype())));
            }
        }
        assertTrue(
                tests.size() >= 2 || flags.isEmpty(),
                "kernels to check on " + CpuDescription.current() + ": " + tests.size());
        return tests;
    }

    private static void selfCheckPasses(String coretype) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                        java, "-Xss16m", "-cp", System.getProperty("java.class.path"), BlasSelfCheck.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("OPENBLAS_CORETYPE", coretype);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "self-check under " + coretype + " did not finish");
        assertEquals(0, p.exitValue(), "self-check under " + coretype + ":\n" + out);
        assertTrue(out.contains("checks passed") && out.contains(coretype + " (forced"), out);
    }
}
