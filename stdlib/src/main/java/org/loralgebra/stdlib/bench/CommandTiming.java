package org.loralgebra.stdlib.bench;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One whole command of the end-to-end section, each repetition a fresh process: our command and its timing, the
 * peer's whole script and its timing where there is one, and named parts of ours (the REPL's time to its prompt, the
 * notebook kernel's start).
 *
 * @param name the command's name in the report ({@code inspect}, {@code spectrum}, {@code script}, {@code repl},
 *     {@code notebook})
 * @param oursCommand what ran on our side
 * @param ours its timing
 * @param peerCommand what ran on the peer's side, empty when nothing did
 * @param peer its timing
 * @param parts named parts of our timing
 */
public record CommandTiming(
        String name,
        String oursCommand,
        Timing ours,
        Optional<String> peerCommand,
        Optional<Timing> peer,
        Map<String, Timing> parts) {
    public CommandTiming {
        parts = Map.copyOf(parts);
    }

    /** The peer's median over ours, where the peer ran. */
    public OptionalDouble speedup() {
        return peer.isPresent()
                ? OptionalDouble.of(peer.get().medianSeconds() / ours.medianSeconds())
                : OptionalDouble.empty();
    }
}
