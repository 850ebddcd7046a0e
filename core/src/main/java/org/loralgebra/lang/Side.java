package org.loralgebra.lang;

import java.util.Locale;

/**
 * Which subspace of an update a projection acts on: {@link #OUTPUT} the column space (left singular vectors,
 * acting on B), {@link #INPUT} the row space (right singular vectors, acting on A), {@link #BOTH} both.
 */
public enum Side {
    OUTPUT,
    INPUT,
    BOTH;

    /** Whether the output (column) side is projected. */
    public boolean output() {
        return this != INPUT;
    }

    /** Whether the input (row) side is projected. */
    public boolean input() {
        return this != OUTPUT;
    }

    /** Parses {@code output}, {@code input} or {@code both} (any case). */
    public static Side parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LoraException("side must be output, input or both, got '" + text + "'");
        }
    }
}
