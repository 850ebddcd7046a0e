package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.BackendUnavailableException;
import org.loralgebra.exec.Backends;
import org.loralgebra.lang.Precision;

/**
 * The {@code cuda} provider is found on the class path; on a machine without a GPU or CUDA 13 (this one) making it is
 * a quick, clear refusal that names what it needs, where it looked and which library the dynamic linker did not find.
 */
class CudaBackendProviderTest {
    @Test
    void theProviderIsOnTheClassPath() {
        assertTrue(
                Backends.providers().stream().anyMatch(p -> p.name().equals("cuda")),
                "providers: " + Backends.providers());
    }

    @Test
    void withoutAGpuItRefusesSayingWhatAndWhere() {
        assumeFalse(hasGpu(), "a GPU is here: CudaBackendTest runs instead");
        BackendUnavailableException e = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda", Precision.F32)));
        String m = e.getMessage();
        assertTrue(
                m.contains("libcudart.so.13")
                        && m.contains("libcuda.so.1")
                        && m.contains("LD_LIBRARY_PATH")
                        && m.contains("/usr/local/nvidia/lib64")
                        && m.contains("--backend cpu"),
                m);
        // the dynamic linker's reason, from the cause of JavaCPP's 'no jnicudart in java.library.path': which
        // library was missing (here libcuda.so.1 or libcudart.so.13), what the run's log must show on the device
        assertTrue(m.contains("cannot open shared object file"), m);
    }

    private static boolean hasGpu() {
        try {
            Backends.create("cuda", Precision.F32);
            return true;
        } catch (BackendUnavailableException e) {
            return false;
        }
    }
}
