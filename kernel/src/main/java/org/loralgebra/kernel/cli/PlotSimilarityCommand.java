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

    @Option(names = "--auto-range", description = "Colours span the values shown instead of [0, 1].")
    boolean autoRange;

    @Mixin
    PlotOutput output;

    @Override
    public Integer call() {
        output.check();
        return output.save(SubspaceSimilarityPlot.of(args.similarity(), module, !autoRange));
    }
}
