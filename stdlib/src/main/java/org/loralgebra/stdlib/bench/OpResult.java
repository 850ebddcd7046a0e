package org.loralgebra.stdlib.bench;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One operation's figures: our timing, the process's peak resident memory while it ran and how far that rose
 * above the resident size before it, and the numpy peer's median where the peer ran it (speed-up = peer / ours). An
 * extrapolated result ({@link BenchOp#sampled}) says how many modules of each shape its sample ran at once.
 */
public record OpResult(
        String op,
        Timing ours,
        OptionalLong peakRssBytes,
        OptionalLong rssGrowthBytes,
        OptionalDouble peerSeconds,
        boolean peerExtrapolated,
        boolean oursExtrapolated,
        int modulesAtOnce) {
    public OpResult {
        if (oursExtrapolated ? modulesAtOnce < 1 : modulesAtOnce != 0) {
            throw new IllegalArgumentException(op + ": " + modulesAtOnce + " modules at once for "
                    + (oursExtrapolated ? "an extrapolated" : "a whole") + " timing");
        }
    }

    /** A result of our own, without the peer. */
    public OpResult(
            String op,
            Timing ours,
            OptionalLong peakRssBytes,
            OptionalLong rssGrowthBytes,
            OptionalDouble peerSeconds,
            boolean peerExtrapolated) {
        this(op, ours, peakRssBytes, rssGrowthBytes, peerSeconds, peerExtrapolated, false, 0);
    }

    /** peer time / our time, when the peer ran. */
    public OptionalDouble speedup() {
        return peerSeconds.isPresent()
                ? OptionalDouble.of(peerSeconds.getAsDouble() / ours.medianSeconds())
                : OptionalDouble.empty();
    }

    /** The same result with the peer's time. */
    public OpResult withPeer(double seconds, boolean extrapolated) {
        return new OpResult(
                op,
                ours,
                peakRssBytes,
                rssGrowthBytes,
                OptionalDouble.of(seconds),
                extrapolated,
                oursExtrapolated,
                modulesAtOnce);
    }
}
