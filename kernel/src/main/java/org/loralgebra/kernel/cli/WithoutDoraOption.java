package org.loralgebra.kernel.cli;

import org.loralgebra.Adapter;
import picocli.CommandLine.Option;

/**
 * {@code --without-dora}: work on each input's low-rank update B·A alone, its DoRA magnitude vectors and LoRA biases
 * dropped ({@link Adapter#withoutDora()}), where a verb would otherwise refuse them. A picocli mixin of the verbs that
 * sum, scale, truncate or project updates.
 */
public final class WithoutDoraOption {
    @Option(
            names = "--without-dora",
            description = "Drop the inputs' DoRA magnitude vectors and LoRA biases and work on the low-rank update B·A"
                    + " alone (without it, adapters that carry them are refused: DoRA's update is not linear in B·A).")
    boolean drop;

    /** {@code adapter}, without its DoRA state when asked. */
    Adapter applyTo(Adapter adapter) {
        return drop ? adapter.withoutDora() : adapter;
    }
}
