package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A recorder sees exactly what ran while it was open: its own worst residual, not an earlier command's. */
class TopSvdStatsTest {
    @Test
    void eachRecorderCountsOnlyItsOwnIntervalWorstResidualIncluded() throws Exception {
        TopSvdStats.Snapshot first;
        try (TopSvdStats.Recorder r = TopSvdStats.record()) {
            TopSvdStats.ran(true, 3, 1e-3);
            TopSvdStats.ran(false, 5, 0.5); // a fallback's residual is not an accepted one
            first = r.snapshot();
        }
        assertEquals(new TopSvdStats.Snapshot(1, 1, 8, 1e-3), first);
        TopSvdStats.ran(true, 2, 0.9); // no recorder open: counted nowhere
        try (TopSvdStats.Recorder r = TopSvdStats.record()) {
            Thread other = new Thread(() -> TopSvdStats.ran(true, 4, 2e-6)); // module threads count too
            other.start();
            other.join();
            TopSvdStats.ran(true, 1, 1e-6);
            TopSvdStats.Snapshot second = r.snapshot();
            assertEquals(2, second.converged());
            assertEquals(5, second.iterations());
            assertEquals(2e-6, second.worstAcceptedResidual(), 0.0, "the worst of this interval, not 1e-3 or 0.9");
        }
        try (TopSvdStats.Recorder r = TopSvdStats.record()) {
            assertTrue(r.snapshot().none());
        }
    }
}
