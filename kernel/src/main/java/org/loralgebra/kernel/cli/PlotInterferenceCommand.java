package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.plot.MergeInterferencePlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora plot interference A B [C …] -o FILE}: the merge-interference summary. */
@Command(
        name = "interference",
        sortOptions = false,
        description = "Merge interference per layer: cosine of updates, sign conflicts, subspace overlaps.")
public final class PlotInterferenceCommand implements Callable<Integer> {
    @Mixin
    InterferenceArgs args;

    @Mixin
    PlotOutput output;

    @Override
    public Integer call() {
        output.check();
        return output.save(MergeInterferencePlot.of(args.interference()));
    }
}
