package org.loralgebra.kernel.cli;

import picocli.CommandLine.Option;

/**
 * {@code -s, --seed S}: the seed of every random choice a verb makes (DARE's drop, k-means++, randomized SVDs), so
 * that the same inputs and seed give the same result. A picocli mixin for every verb with random choices.
 */
public final class SeedOption {
    @Option(
            names = {"-s", "--seed"},
            paramLabel = "S",
            defaultValue = "0",
            description =
                    "Seed of the random choices (default ${DEFAULT-VALUE}): the same inputs and seed give the same result.")
    long value;
}
