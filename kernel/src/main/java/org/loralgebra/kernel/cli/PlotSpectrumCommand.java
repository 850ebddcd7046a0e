package org.loralgebra.kernel.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.loralgebra.plot.SpectrumLines;
import org.loralgebra.plot.SpectrumPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lora plot spectrum PATH -o FILE}: singular values against their index, log scale. */
@Command(
        name = "spectrum",
        sortOptions = false,
        description = "Spectrum decay: singular values of every module (or the mean per layer) on a log scale.")
public final class PlotSpectrumCommand implements Callable<Integer> {
    @Mixin
    SpectrumArgs args;

    @Option(
            names = "--by",
            paramLabel = "module|layer",
            defaultValue = "module",
            description =
                    "One line per module (coloured by layer, a panel per module type) or per layer; default ${DEFAULT-VALUE}.")
    String by;

    @Option(
            names = "--normalized",
            description = "Divide each module's values by its largest (compares decay, not size).")
    boolean normalized;

    @Mixin
    PlotOutput output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.check();
        SpectrumLines lines = switch (by.toLowerCase(Locale.ROOT)) {
            case "module" -> SpectrumLines.MODULE;
            case "layer" -> SpectrumLines.LAYER;
            default -> throw new ParameterException(spec.commandLine(), "--by must be module or layer, got " + by);
        };
        return output.save(SpectrumPlot.of(args.stats(), lines, normalized));
    }
}
