package org.loralgebra;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparisons of a measured number with a bound whose failure message carries the measured value and the bound
 * ({@code "UᵀU = I: measured 3.1e-3, bound < 1e-5"}), so a failing run says by how much it missed. NaN never passes.
 */
public final class NumericAssertions {
    private NumericAssertions() {}

    /** Passes when {@code measured < bound}. */
    public static void assertBelow(double measured, double bound, String what) {
        if (!(measured < bound)) {
            fail(message(what, measured, "< ", bound));
        }
    }

    /** Passes when {@code measured ≤ bound}. */
    public static void assertAtMost(double measured, double bound, String what) {
        if (!(measured <= bound)) {
            fail(message(what, measured, "≤ ", bound));
        }
    }

    /** Passes when {@code measured > bound}. */
    public static void assertAbove(double measured, double bound, String what) {
        if (!(measured > bound)) {
            fail(message(what, measured, "> ", bound));
        }
    }

    /** Passes when {@code measured ≥ bound}. */
    public static void assertAtLeast(double measured, double bound, String what) {
        if (!(measured >= bound)) {
            fail(message(what, measured, "≥ ", bound));
        }
    }

    private static String message(String what, double measured, String relation, double bound) {
        return what + ": measured " + measured + ", bound " + relation + bound;
    }
}
