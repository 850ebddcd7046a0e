package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendUnavailableException;
import org.loralgebra.exec.Backends;
import org.loralgebra.lang.Precision;

/** {@link CudaChecks} in F32 and F64 where a GPU is; skipped, saying why, where none is. */
class CudaBackendTest {
    private static Backend orSkip(Precision p) {
        try {
            return Backends.create("cuda", p);
        } catch (BackendUnavailableException e) {
            assumeTrue(false, "no GPU here: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void singlePrecision() {
        CudaChecks c = new CudaChecks(orSkip(Precision.F32));
        assertEquals(0, c.failures(), String.join("\n", c.all()));
    }

    @Test
    void doublePrecision() {
        CudaChecks c = new CudaChecks(orSkip(Precision.F64));
        assertEquals(0, c.failures(), String.join("\n", c.all()));
    }
}
