package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.analysis.MergeInterference;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code A B [C …] [--modules GLOB]}: the adapters to be merged whose interference a verb measures. */
public final class InterferenceArgs {
    @Parameters(arity = "2..*", paramLabel = "ADAPTER", description = "Two or more adapters of one base model.")
    List<Path> paths;

    @Mixin
    ModulesOption modules;

    @Mixin
    AdapterLoadOptions load;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    MergeInterference interference() {
        List<Adapter> adapters =
                paths.stream().map(p -> modules.select(Lora.from(load.open(p)))).toList();
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        return MergeInterference.of(adapters);
    }
}
