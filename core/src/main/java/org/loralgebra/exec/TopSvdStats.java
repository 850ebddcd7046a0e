package org.loralgebra.exec;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counts of the randomized top-k SVDs a backend ran for {@link Backend#topSvdOfRows} (the dense merges'
 * final SVD): how many met their residual check, how many fell back to the exact SVD, the iterations spent and the
 * worst relative residual ‖A·vᵢ − σᵢ·uᵢ‖/σ₁ accepted. A command reports the difference of two snapshots.
 */
public final class TopSvdStats {
    private static final LongAdder CONVERGED = new LongAdder();
    private static final LongAdder FELL_BACK = new LongAdder();
    private static final LongAdder ITERATIONS = new LongAdder();
    private static final AtomicLong WORST_ACCEPTED = new AtomicLong(Double.doubleToLongBits(0));

    private TopSvdStats() {}

    /** What the counts say now. */
    public record Snapshot(long converged, long fellBack, long iterations, double worstAcceptedResidual) {
        /** The counts run since {@code before} (the worst residual stays the process's worst so far). */
        public Snapshot since(Snapshot before) {
            return new Snapshot(
                    converged - before.converged,
                    fellBack - before.fellBack,
                    iterations - before.iterations,
                    worstAcceptedResidual);
        }

        /** Whether no randomized top-k SVD ran. */
        public boolean none() {
            return converged == 0 && fellBack == 0;
        }
    }

    /** Counts one randomized top-k SVD. */
    public static void record(boolean converged, int iterations, double residual) {
        (converged ? CONVERGED : FELL_BACK).increment();
        ITERATIONS.add(iterations);
        if (converged) {
            WORST_ACCEPTED.accumulateAndGet(
                    Double.doubleToLongBits(residual),
                    (a, b) -> Double.longBitsToDouble(a) >= Double.longBitsToDouble(b) ? a : b);
        }
    }

    /** The counts since the process started. */
    public static Snapshot snapshot() {
        return new Snapshot(
                CONVERGED.sum(), FELL_BACK.sum(), ITERATIONS.sum(), Double.longBitsToDouble(WORST_ACCEPTED.get()));
    }
}
