package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.lang.LoraException;
import org.loralgebra.plot.LayerHeatmapPlot;
import org.loralgebra.stdlib.analysis.SpectralMeasure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lora plot heatmap PATH [--measure M] -o FILE}: a spectral measure by layer and module type. */
@Command(name = "heatmap", sortOptions = false, description = "A layer × module-type heatmap of a spectral measure.")
public final class PlotHeatmapCommand implements Callable<Integer> {
    @Mixin
    SpectrumArgs args;

    @Option(
            names = "--measure",
            paramLabel = "M",
            defaultValue = "effective-rank",
            description =
                    "effective-rank, energy-rank, stable-rank, energy or spectral-norm; default ${DEFAULT-VALUE}.")
    String measure;

    @Mixin
    PlotOutput output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.check();
        SpectralMeasure m;
        try {
            m = SpectralMeasure.parse(measure);
        } catch (LoraException e) {
            throw new ParameterException(spec.commandLine(), "--measure: " + e.getMessage());
        }
        return output.save(LayerHeatmapPlot.of(args.stats(), m));
    }
}
