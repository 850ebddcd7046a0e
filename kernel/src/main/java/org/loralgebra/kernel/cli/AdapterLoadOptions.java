package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.format.Formats;
import org.loralgebra.model.AdapterSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --alpha A} and {@code --rank R}: how to read a PEFT folder that has no {@code adapter_config.json} (and
 * overrides of the config's {@code lora_alpha} / {@code r} for one that has), and {@code --base-model NAME}. A picocli
 * mixin for every verb that loads adapters.
 */
public final class AdapterLoadOptions {
    @Mixin
    AlphaOption alpha;

    @Mixin
    BaseModelOption baseModel;

    @Option(
            names = "--rank",
            paramLabel = "R",
            description = "Rank r to expect for a folder without adapter_config.json (default: read from the tensors).")
    Integer rank;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The options as {@link LoadOptions}. */
    public LoadOptions toLoadOptions() {
        LoadOptions options =
                baseModel.applyTo(alpha.applyTo(LoadOptions.defaults(), spec.commandLine()), spec.commandLine());
        if (rank != null) {
            if (rank <= 0) {
                throw new ParameterException(spec.commandLine(), "--rank must be a positive integer, got " + rank);
            }
            options = options.withRank(rank);
        }
        return options;
    }

    /** Opens the adapter at {@code path} (headers and config only) with these options. */
    public AdapterSource open(Path path) {
        return Formats.open(path, toLoadOptions());
    }
}
