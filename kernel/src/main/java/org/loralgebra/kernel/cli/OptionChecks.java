package org.loralgebra.kernel.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The range checks of option values that picocli's types do not make, with one wording for every verb:
 * {@code --rank must be ≥ 1, got 0}. Each failure is a usage error (exit 64) on the verb's command line.
 */
final class OptionChecks {
    private OptionChecks() {}

    /** Refuses {@code value} (when given) below {@code min}. */
    static void atLeast(CommandLine commandLine, String option, Integer value, int min) {
        if (value != null && value < min) {
            throw new ParameterException(commandLine, option + " must be ≥ " + min + ", got " + value);
        }
    }

    /** Refuses {@code value} outside (0, 1]. */
    static void fraction(CommandLine commandLine, String option, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new ParameterException(commandLine, option + " must be in (0, 1], got " + value);
        }
    }

    /** Refuses a {@code value} that is not a positive finite number (NaN included). */
    static void positive(CommandLine commandLine, String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ParameterException(commandLine, option + " must be a positive number, got " + value);
        }
    }
}
