package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backends;
import org.loralgebra.lang.Precision;

/**
 * The checks the GPU run makes ({@link CudaChecks}) pass on the CPU backend, in F32 and F64: what fails on the device
 * is then the device's backend, not the checks.
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
}
