package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.LoadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --base-model NAME}: read every input adapter as an adapter of base model NAME, whatever its config records,
 * so that adapters of one model saved under two names (a hub id and a local path) can be combined; outputs record
 * NAME. A picocli mixin of every verb that loads adapters.
 */
public final class BaseModelOption {
    @Option(
            names = "--base-model",
            paramLabel = "NAME",
            description = "Read every input as an adapter of base model NAME, whatever its config says (for one model"
                    + " saved under two names, such as a hub id and a local path); outputs record NAME.")
    String name;

    /**
     * Declares the base model on {@code options} when given.
     *
     * @throws ParameterException on {@code commandLine} when it is blank
     */
    LoadOptions applyTo(LoadOptions options, CommandLine commandLine) {
        if (name == null) {
            return options;
        }
        if (name.isBlank()) {
            throw new ParameterException(commandLine, "--base-model must name a model, got '" + name + "'");
        }
        return options.withBaseModel(name.strip());
    }

    /** The adapter at {@code path} (headers and config only), of base model NAME when given. */
    Adapter load(Path path, CommandLine commandLine) {
        return Lora.load(path, applyTo(LoadOptions.defaults(), commandLine));
    }
}
