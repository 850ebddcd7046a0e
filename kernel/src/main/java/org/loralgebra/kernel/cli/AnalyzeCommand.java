package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lora analyze KIND …}: an analysis of adapters as JSON (or a table with {@code --text}). */
@Command(
        name = "analyze",
        sortOptions = false,
        description = "Compute an analysis and print it as JSON (or a table with --text).",
        subcommands = {
            AnalyzeSpectrumCommand.class,
            AnalyzeSimilarityCommand.class,
            AnalyzeInterferenceCommand.class,
            AnalyzeIntrudersCommand.class
        })
public final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "expected what to analyze: "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
