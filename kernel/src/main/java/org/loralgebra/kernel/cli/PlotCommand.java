package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lora plot KIND …}: draws an analysis of adapters to an SVG, PNG or offline HTML file. */
@Command(
        name = "plot",
        sortOptions = false,
        description = "Draw an analysis to a figure (.svg, .png or self-contained .html).",
        subcommands = {
            PlotSpectrumCommand.class,
            PlotHeatmapCommand.class,
            PlotSimilarityCommand.class,
            PlotInterferenceCommand.class,
            PlotIntrudersCommand.class
        })
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "expected what to plot: " + String.join(", ", spec.subcommands().keySet()));
    }
}
