package org.loralgebra.kernel.cli;

import org.loralgebra.io.LoadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --alpha A}: the {@code lora_alpha} of a PEFT folder that has no {@code adapter_config.json}, or an override
 * of the config's. A picocli mixin of {@link AdapterLoadOptions}, and of verbs whose own {@code --rank} means
 * something else.
 */
public final class AlphaOption {
    @Option(
            names = "--alpha",
            paramLabel = "A",
            description = "lora_alpha for a folder without adapter_config.json (scale = A/r); overrides the config's.")
    Double alpha;

    /**
     * Sets the alpha on {@code options} when given.
     *
     * @throws CommandLine.ParameterException on {@code commandLine} when it is not a positive finite number
     */
    LoadOptions applyTo(LoadOptions options, CommandLine commandLine) {
        if (alpha == null) {
            return options;
        }
        OptionChecks.positive(commandLine, "--alpha", alpha);
        return options.withAlpha(alpha);
    }
}
