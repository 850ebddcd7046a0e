package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.stdlib.analysis.MergeInterference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora analyze interference A B [C …]}: cosine, sign conflicts and subspace overlap per module and pair. */
@Command(
        name = "interference",
        sortOptions = false,
        description = "Per module and pair: cosine of updates, sign-conflict share, output/input subspace overlap.")
public final class AnalyzeInterferenceCommand implements Callable<Integer> {
    @Mixin
    InterferenceArgs args;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() {
        output.check();
        MergeInterference m = args.interference();
        return output.emit(m.toJson(), m.toString());
    }
}
