package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.ForwardingBackend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;

/**
 * The checks the GPU run makes ({@link CudaChecks}) pass on the CPU backend, in F32 and F64: what fails on the device
 * is then the device's backend, not the checks. An operation that throws fails its own checks only.
 */
class CudaChecksOnCpuTest {
    @Test
    void passOnTheCpuBackend() {
        for (Precision p : List.of(Precision.F32, Precision.F64)) {
            CudaChecks c = new CudaChecks(Backends.create("cpu", p));
            List<String> lines = c.all();
            assertTrue(lines.size() > 40, "checks made: " + lines.size());
            assertEquals(0, c.failures(), String.join("\n", lines));
        }
    }

    /**
     * The CPU backend with its batched SVD failing as a cuSOLVER call fails on the device: the two svdBatch checks
     * and the two singularValuesBatch checks fail with the message, every other check still runs and passes.
     */
    @Test
    void aThrowingOperationFailsItsChecksAndTheRestStillRun() {
        Backend failing = new ForwardingBackend(Backends.create("cpu", Precision.F64)) {
            @Override
            public List<Svd> svdBatch(List<Matrix> matrices) {
                throw new LoraException("cuSOLVER: gesvdjBatched failed: status 7");
            }

            @Override
            public List<double[]> singularValuesBatch(List<Matrix> matrices) {
                return svdBatch(matrices).stream().map(Svd::s).toList();
            }
        };
        CudaChecks c = new CudaChecks(failing);
        List<String> lines = c.all();
        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL")).toList();
        assertEquals(4, c.failures(), String.join("\n", lines));
        assertEquals(4, failed.size(), String.join("\n", lines));
        assertTrue(
                failed.stream()
                        .allMatch(l -> l.contains("threw LoraException: cuSOLVER: gesvdjBatched failed: status 7")),
                String.join("\n", failed));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ok") && l.contains("qrBatch")), String.join("\n", lines));
    }
}
