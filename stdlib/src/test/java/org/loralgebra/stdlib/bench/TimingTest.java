package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The warm-up and the statistics of {@link Timing}, on a clock the operation itself advances. */
class TimingTest {
    /** A clock in nanoseconds that only the operation moves: each run takes {@code nanosPerRun}. */
    private static final class FakeOp implements Runnable {
        private final long nanosPerRun;
        long now;
        int runs;

        FakeOp(long nanosPerRun) {
            this.nanosPerRun = nanosPerRun;
        }

        @Override
        public void run() {
            now += nanosPerRun + runs * 1_000L; // each run a microsecond longer: min, median and max differ
            runs++;
        }
    }

    @Test
    void aShortOperationWarmsUpUntilTheSecondsHavePassed() {
        FakeOp op = new FakeOp(100_000_000L); // 0.1 s a run
        Timing t = Timing.measure(op, 1, 3.0, 5, () -> op.now);
        // warm-up runs take 0.1 s + i µs: 30 runs pass 3 s (the 30th ends at 3.000435 s)
        assertEquals(30, t.warmup());
        assertEquals(35, op.runs);
        assertEquals(0.100032, t.medianSeconds(), 1e-12, "runs 31-35 take 0.1 s + 30..34 µs");
        assertEquals(0.100030, t.minSeconds(), 1e-12);
        assertEquals(0.100034, t.maxSeconds(), 1e-12);
        assertEquals(5, t.reps());
    }

    @Test
    void aLongOperationWarmsUpItsCountOnlyAndNoFloorMeansTheCount() {
        FakeOp slow = new FakeOp(5_000_000_000L);
        assertEquals(1, Timing.measure(slow, 1, 3.0, 3, () -> slow.now).warmup());
        FakeOp fast = new FakeOp(1_000_000L);
        assertEquals(2, Timing.measure(fast, 2, 0, 3, () -> fast.now).warmup());
        assertEquals(5, fast.runs);
    }

    @Test
    void anOperationThatTakesNoTimeStopsAtTheMostWarmUps() {
        FakeOp instant = new FakeOp(0);
        Timing t = Timing.measure(instant, 1, 3.0, 1, () -> 0L);
        assertEquals(Timing.MAX_WARMUP, t.warmup());
    }
}
