package org.loralgebra.exec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of the randomized top-k SVDs a backend ran for {@link Backend#topSvdOfRows} (the dense merges' final SVD):
 * how many met their residual check, how many fell back to the exact SVD, the iterations spent and the worst relative
 * residual ‖A·vᵢ − σᵢ·uᵢ‖/σ₁ accepted. A command opens a {@link Recorder} around its work and reports what it saw:
 *
 * <pre>{@code
 * try (TopSvdStats.Recorder r = TopSvdStats.record()) {
 *     output.save(merged);
 *     report(r.snapshot());
 * }
 * }</pre>
 *
 * A recorder counts every randomized top-k SVD that finishes while it is open, on any thread (the engine's module
 * threads do the work), so two commands running at once in one process would see each other's.
 */
public final class TopSvdStats {
    private static final List<Recorder> OPEN = new CopyOnWriteArrayList<>();

    private TopSvdStats() {}

    /** What a recorder saw. */
    public record Snapshot(long converged, long fellBack, long iterations, double worstAcceptedResidual) {
        /** Whether no randomized top-k SVD ran. */
        public boolean none() {
            return converged == 0 && fellBack == 0;
        }
    }

    /** Counts from when it is opened until it is closed; {@link #snapshot} may be read at any time. */
    public static final class Recorder implements AutoCloseable {
        private final LongAdder converged = new LongAdder();
        private final LongAdder fellBack = new LongAdder();
        private final LongAdder iterations = new LongAdder();
        private final AtomicLong worstAccepted = new AtomicLong(Double.doubleToLongBits(0));

        private Recorder() {}

        private void add(boolean ok, int iters, double residual) {
            (ok ? converged : fellBack).increment();
            iterations.add(iters);
            if (ok) {
                worstAccepted.accumulateAndGet(
                        Double.doubleToLongBits(residual),
                        (a, b) -> Double.longBitsToDouble(a) >= Double.longBitsToDouble(b) ? a : b);
            }
        }

        /** The counts so far. */
        public Snapshot snapshot() {
            return new Snapshot(
                    converged.sum(), fellBack.sum(), iterations.sum(), Double.longBitsToDouble(worstAccepted.get()));
        }

        @Override
        public void close() {
            OPEN.remove(this);
        }
    }

    /** Opens a recorder. */
    public static Recorder record() {
        Recorder r = new Recorder();
        OPEN.add(r);
        return r;
    }

    /** Counts one randomized top-k SVD in every open recorder (a backend calls this). */
    public static void ran(boolean converged, int iterations, double residual) {
        for (Recorder r : OPEN) {
            r.add(converged, iterations, residual);
        }
    }
}
