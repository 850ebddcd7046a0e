package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.plot.SubspaceSimilarityPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lora plot similarity A B -o FILE}: the LoRA paper's φ(i, j) heatmap. */
@Command(
        name = "similarity",
        sortOptions = false,
        description =
                "Subspace similarity φ(i, j) of two adapters' top singular directions (mean over modules, or one module).")
public final class PlotSimilarityCommand implements Callable<Integer> {
    @Mixin
    SimilarityArgs args;

    @Option(
            names = "--module",
            paramLabel = "NAME",
            description = "One module instead of the mean over all shared modules.")
    String module;

    @Option(
            names = "--fixed-range",
            description = "Colours span [0, 1], as in the LoRA paper, so that heatmaps of several pairs compare "
                    + "(by default they span the values shown).")
    boolean fixedRange;

    @Option(names = "--auto-range", hidden = true, description = "The default; kept for scripts that pass it.")
    boolean autoRange;

    @Mixin
    PlotOutput output;

    @Override
    public Integer call() {
        output.check();
        return output.save(SubspaceSimilarityPlot.of(args.similarity(), module, fixedRange));
    }
}
