package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.plot.IntruderPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora plot intruders BASE ADAPTER -o FILE}: intruder dimensions per layer. */
@Command(
        name = "intruders",
        sortOptions = false,
        description = "Intruder dimensions per layer against the base model (randomized SVDs; PEFT's defaults).")
public final class PlotIntrudersCommand implements Callable<Integer> {
    @Mixin
    IntruderArgs args;

    @Mixin
    PlotOutput output;

    @Override
    public Integer call() {
        output.check();
        return output.save(IntruderPlot.of(args.intruders()));
    }
}
