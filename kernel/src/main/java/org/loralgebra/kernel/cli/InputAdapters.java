package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.LoadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the verbs that sum, scale, truncate or project updates read their inputs: {@code --base-model NAME} and
 * {@code --without-dora} (each input's low-rank update B·A alone, its DoRA magnitude vectors and LoRA biases dropped by
 * {@link Adapter#withoutDora()}, where the verb would otherwise refuse them). A picocli mixin.
 */
public final class InputAdapters {
    @Mixin
    BaseModelOption baseModel;

    @Option(
            names = "--without-dora",
            description = "Drop the inputs' DoRA magnitude vectors and LoRA biases and work on the low-rank update B·A"
                    + " alone (without it, adapters that carry them are refused: DoRA's update is not linear in B·A).")
    boolean withoutDora;

    /** The adapter at {@code path} (headers and config only) read with {@code options} and these options. */
    Adapter load(Path path, LoadOptions options, CommandLine commandLine) {
        Adapter a = Lora.load(path, baseModel.applyTo(options, commandLine));
        return withoutDora ? a.withoutDora() : a;
    }

    /** The adapter at {@code path} read with these options. */
    Adapter load(Path path, CommandLine commandLine) {
        return load(path, LoadOptions.defaults(), commandLine);
    }
}
