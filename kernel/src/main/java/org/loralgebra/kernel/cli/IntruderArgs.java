package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.analysis.IntruderDimensions;
import org.loralgebra.stdlib.analysis.IntruderOptions;
import org.loralgebra.stdlib.analysis.RandomizedSvd;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code BASE ADAPTER [options]}: an adapter and the base model it is compared with for intruder dimensions. */
public final class IntruderArgs {
    @Parameters(
            index = "0",
            paramLabel = "BASE",
            description =
                    "The base model: a .safetensors file, a sharded checkpoint's index .json, or a folder with either.")
    Path base;

    @Parameters(index = "1", paramLabel = "ADAPTER", description = "The adapter (PEFT folder).")
    Path adapter;

    @Mixin
    ModulesOption modules;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "10",
            description = "Top singular vectors of W + ΔW examined (PEFT's top_k); default ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--epsilon",
            paramLabel = "E",
            defaultValue = "0.5",
            description =
                    "Intruder when the best |cosine| with the base vectors is below E (PEFT's threshold_epsilon); "
                            + "default ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(
            names = "--base-rank",
            paramLabel = "K|all",
            description =
                    "Base singular vectors compared (default 10·top-k); 'all' gives exact counts at the cost of a "
                            + "full-rank randomized SVD.")
    String baseRank;

    @Option(
            names = "--oversampling",
            paramLabel = "P",
            defaultValue = "10",
            description = "Randomized SVD oversampling; default ${DEFAULT-VALUE}.")
    int oversampling;

    @Option(
            names = "--power-iterations",
            paramLabel = "Q",
            defaultValue = "4",
            description = "Randomized SVD power iterations; default ${DEFAULT-VALUE}.")
    int powerIterations;

    @Mixin
    SeedOption seed;

    @Mixin
    AdapterLoadOptions load;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    IntruderDimensions intruders() {
        IntruderOptions options = IntruderOptions.defaults()
                .withTopK(topK)
                .withEpsilon(epsilon)
                .withSvd(new RandomizedSvd(oversampling, powerIterations))
                .withSeed(seed.value);
        if (baseRank != null) {
            options = options.withBaseRank(parseBaseRank(baseRank));
        }
        Adapter a = modules.select(Lora.from(load.open(adapter)));
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        return IntruderDimensions.of(base, a, options);
    }

    private int parseBaseRank(String text) {
        if (text.equalsIgnoreCase("all")) {
            return Integer.MAX_VALUE;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(), "--base-rank must be a positive integer or 'all', got " + text);
        }
    }
}
