package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.analysis.SubspaceSimilarity;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code A B [--side input|output] [--modules GLOB]}: the two adapters whose singular subspaces a verb compares. */
public final class SimilarityArgs {
    @Parameters(index = "0", paramLabel = "A", description = "The first adapter (rows i).")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "The second adapter (columns j).")
    Path second;

    @Option(
            names = "--side",
            paramLabel = "SIDE",
            defaultValue = "input",
            description =
                    "input (right singular vectors, as the LoRA paper compares A) or output (left); default ${DEFAULT-VALUE}.")
    String side;

    @Mixin
    ModulesOption modules;

    @Mixin
    AdapterLoadOptions load;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    SubspaceSimilarity similarity() {
        Side s = Side.parse(side);
        if (s == Side.BOTH) {
            throw new ParameterException(spec.commandLine(), "--side must be input or output, got " + side);
        }
        Adapter a = Lora.from(load.open(first));
        Adapter b = Lora.from(load.open(second));
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        return SubspaceSimilarity.of(modules.select(a), modules.select(b), s);
    }
}
