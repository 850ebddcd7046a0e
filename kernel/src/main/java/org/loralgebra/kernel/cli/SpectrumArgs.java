package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.analysis.SpectrumStats;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code PATH [--energy E] [--modules GLOB]}: the adapter whose spectra a verb analyses. */
public final class SpectrumArgs {
    @Parameters(index = "0", paramLabel = "PATH", description = "An adapter (PEFT folder).")
    Path path;

    @Option(
            names = "--energy",
            paramLabel = "E",
            defaultValue = "0.9",
            description =
                    "Energy fraction of the energy rank (smallest k holding E of Σσ²), in (0, 1]; default ${DEFAULT-VALUE}.")
    double energy;

    @Mixin
    ModulesOption modules;

    @Mixin
    AdapterLoadOptions load;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    SpectrumStats stats() {
        OptionChecks.fraction(spec.commandLine(), "--energy", energy);
        Adapter a = Lora.from(load.open(path));
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        return SpectrumStats.of(modules.select(a), energy);
    }
}
