package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.stdlib.analysis.IntruderDimensions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora analyze intruders BASE ADAPTER}: intruder dimensions per module, with their cosines. */
@Command(
        name = "intruders",
        sortOptions = false,
        description = "Per module: intruder dimensions of W + ΔW against the base model, with the best cosines.")
public final class AnalyzeIntrudersCommand implements Callable<Integer> {
    @Mixin
    IntruderArgs args;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() {
        output.check();
        IntruderDimensions d = args.intruders();
        return output.emit(d.toJson(), d.toString());
    }
}
