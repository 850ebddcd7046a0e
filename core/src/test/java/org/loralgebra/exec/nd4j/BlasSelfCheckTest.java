package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The self-check passes on this machine's library (every routine the backend calls, both precisions), and a failure
 * reads as the refusal the user sees: routine, measured error, CPU, kernels, and the way out.
 */
class BlasSelfCheckTest {
    @Test
    void everyRoutinePassesHere() {
        BlasSelfCheck.Result r = BlasSelfCheck.run();
        assertTrue(r.passed(), "findings on " + CpuDescription.current() + ": " + r.findings());
        // 2 precisions × 2 orientations × (4 SVD + 1 values + 2 QR) + 2 × 2 × 4 top-k + 3 eigen + 1 syrk
        // + 2 × 8 gemm + 12 asum
        assertEquals(76, r.measurements(), "measurements made");
        BlasSelfCheck.ensure(); // once per process: no refusal
        assertTrue(BlasSelfCheck.summary().startsWith("76 checks passed"), BlasSelfCheck.summary());
    }

    @Test
    void aFailureNamesTheRoutineTheErrorTheCpuTheKernelsAndTheWayOut() {
        var finding = new BlasSelfCheck.Finding("LAPACKE_dgesdd", "max |UᵀU − I|", "120×80", 25.9, 1e-9);
        CpuDescription cpu =
                new CpuDescription("Intel(R) Xeon(R) Gold 6338", Set.of("avx2", "avx512f"), Optional.empty());
        String message = BlasSelfCheck.describe(List.of(finding), cpu);
        for (String expected : List.of(
                "LAPACKE_dgesdd",
                "max |UᵀU − I|",
                "120×80",
                "25.9",
                "1e-09",
                "computes nothing",
                "Intel(R) Xeon(R) Gold 6338 (AVX-512)",
                "OpenBLAS 0.3",
                "AVX-512 kernel",
                "OPENBLAS_CORETYPE=Haswell",
                BlasSelfCheck.class.getName())) {
            assertTrue(message.contains(expected), "'" + expected + "' missing from: " + message);
        }
    }
}
