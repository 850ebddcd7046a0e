package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The processor description in self-check messages: the kernel family from the flags, and the safer core type. */
class CpuDescriptionTest {
    @Test
    void anAvx512CpuRunsAvx512KernelsAndFallsBackToHaswell() {
        CpuDescription cpu =
                new CpuDescription("Intel(R) Xeon(R) Platinum", Set.of("avx", "avx2", "avx512f"), Optional.empty());
        assertTrue(cpu.avx512());
        assertTrue(cpu.kernels().contains("AVX-512") && cpu.kernels().contains("SkylakeX"), cpu.kernels());
        assertEquals("Haswell", cpu.saferCoretype());
        assertEquals("Intel(R) Xeon(R) Platinum (AVX-512)", cpu.toString());
    }

    @Test
    void aForcedCoreTypeIsNamedAndTheNextOlderOneSuggested() {
        CpuDescription forced =
                new CpuDescription("AMD EPYC", Set.of("avx", "avx2", "avx512f"), Optional.of("SkylakeX"));
        assertTrue(forced.kernels().startsWith("SkylakeX (forced"), forced.kernels());
        assertEquals("Haswell", forced.saferCoretype());
        CpuDescription haswell = new CpuDescription("AMD EPYC", Set.of("avx", "avx2"), Optional.of("Haswell"));
        assertEquals("Sandybridge", haswell.saferCoretype());
        CpuDescription zen = new CpuDescription("AMD EPYC", Set.of("avx", "avx2"), Optional.empty());
        assertTrue(zen.kernels().contains("AVX2"), zen.kernels());
        assertEquals("Sandybridge", zen.saferCoretype());
    }

    @Test
    void thisMachineIsDescribed() {
        CpuDescription cpu = CpuDescription.current();
        assertTrue(!cpu.model().isBlank() && !cpu.kernels().isBlank(), cpu + ", " + cpu.kernels());
    }
}
