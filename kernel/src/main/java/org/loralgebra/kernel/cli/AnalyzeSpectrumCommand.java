package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.stdlib.analysis.SpectrumStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora analyze spectrum PATH}: singular values, energy curve, effective, energy and stable rank per module. */
@Command(
        name = "spectrum",
        sortOptions = false,
        description = "Per module: singular values, energy curve, entropy effective rank, energy rank, stable rank.")
public final class AnalyzeSpectrumCommand implements Callable<Integer> {
    @Mixin
    SpectrumArgs args;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() {
        output.check();
        SpectrumStats s = args.stats();
        return output.emit(s.toJson(), s.toString());
    }
}
