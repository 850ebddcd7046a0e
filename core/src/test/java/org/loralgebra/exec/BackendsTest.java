package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Lora;
import org.loralgebra.lang.Precision;

/** Backends are plug-ins found on the class path; the ND4J one is "cpu"; an unknown name says what there is. */
class BackendsTest {
    @Test
    void theCpuBackendIsFoundByName() {
        assertTrue(
                Backends.providers().stream().anyMatch(p -> p.name().equals("cpu")),
                "providers: " + Backends.providers());
        Backend cpu = Backends.create("CPU", Precision.F64);
        assertEquals("nd4j-cpu", cpu.name());
        assertEquals(Precision.F64, cpu.precision());
    }

    @Test
    void theBackendInUseIsNamedAndDescribed() {
        String d = Lora.backendDescription();
        assertTrue(d.startsWith("nd4j-cpu (ND4J on the CPU, BLAS/LAPACK from OpenBLAS 0."), d);
    }

    @Test
    void anUnknownBackendIsAClearErrorListingTheAvailableOnes() {
        BackendUnavailableException e =
                assertThrows(BackendUnavailableException.class, () -> Backends.create("tpu", Precision.F32));
        assertTrue(
                e.getMessage().contains("'tpu'")
                        && e.getMessage().contains("cpu (ND4J on the CPU")
                        && e.getMessage().contains(ExecutionOptions.BACKEND_ENV),
                e.getMessage());
    }

    @Test
    void preparingLeavesAnUnknownNameToCreateAndTheCpuBackendStillComputes() {
        Backends.prepare("tpu"); // create names the error; a warm-up has nothing to report
        Backends.prepare("CPU");
        Backend cpu = Backends.create("cpu", Precision.F64);
        Matrix a = cpu.fromRowMajor(2, 2, new double[] {1, 2, 3, 4});
        double[] square = cpu.toRowMajor(cpu.matmul(a, false, a, false));
        assertEquals(
                List.of(7.0, 10.0, 15.0, 22.0), Arrays.stream(square).boxed().toList());
    }

    @Test
    void optionsNameTheBackendInLowerCase() {
        assertEquals("cuda", ExecutionOptions.defaults().withBackend(" CUDA ").backend());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExecutionOptions.defaults().withBackend(" "));
    }
}
