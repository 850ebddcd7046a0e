package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Engine;

/** The physical-limit model: its figures against hand counts, and the machine's measured rates. */
class WorkModelTest {
    private static List<SyntheticAdapters.Shape> llama7b() {
        return SyntheticAdapters.llama7b(32);
    }

    @Test
    void spectrumOfThe7bAdapterIsIssue22sGramCount() {
        // 128 modules of 4096 + 4096 and 96 of 11008 + 4096; 2·(out + in)·r² flops each at r = 16
        double expected = 2.0 * 256 * (128 * 8192.0 + 96 * 15104.0);
        OpWork w = WorkModel.of("spectrum", llama7b(), 16, 159_967_880L).orElseThrow();
        assertEquals(expected, w.flops(), 0, "flops");
        assertEquals(1.28e9, w.flops(), 0.01e9, "issue 22's ~1.3 GFLOP");
        assertEquals(159_967_880.0, w.bytes(), 0, "the file read once");
    }

    @Test
    void everyStandardOperationHasAModelAndUnknownOnesNone() {
        for (BenchOp op : StandardOps.all()) {
            OpWork w =
                    WorkModel.of(op.name(), llama7b(), 16, 1L << 27).orElseThrow(() -> new AssertionError(op.name()));
            assertTrue(w.bytes() > 0, op.name() + ": bytes " + w.bytes());
        }
        assertTrue(WorkModel.of("fft", llama7b(), 16, 1).isEmpty());
    }

    @Test
    void tiesSvdCountsDenseUpdatesAndOneRandomizedPass() {
        List<SyntheticAdapters.Shape> one = List.of(new SyntheticAdapters.Shape("m", 100, 50));
        OpWork w = WorkModel.of("ties_svd", one, 4, 0).orElseThrow();
        double l = 3 * 4 + 20;
        assertEquals((6 * 4 + 4 * l) * 5000, w.flops(), 0);
        assertEquals(32 * 5000, w.bytes(), 0);
    }

    @Test
    void theLimitIsTheSlowerOfMemoryAndArithmetic() {
        MachineLimits limits = new MachineLimits(10e9, 100e9, "test");
        assertEquals(0.2, limits.seconds(new OpWork(2e9, 1e9, "memory-bound")), 1e-15);
        assertEquals(0.5, limits.seconds(new OpWork(1e9, 50e9, "compute-bound")), 1e-15);
    }

    @Test
    void measuredRatesArePlausibleForAComputer() {
        MachineLimits m = MachineLimits.measure(Engine.current().backend());
        assertTrue(m.bytesPerSecond() > 1e8 && m.bytesPerSecond() < 1e13, "bytes/s " + m.bytesPerSecond());
        assertTrue(m.flopsPerSecond() > 1e8 && m.flopsPerSecond() < 1e14, "flops/s " + m.flopsPerSecond());
        assertTrue(m.flopsHow().contains("2048"), m.flopsHow());
    }
}
