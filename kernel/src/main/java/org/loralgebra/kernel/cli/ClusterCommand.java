package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.cluster.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lora cluster --k K A B ... -o OUT}: LoRA-LEGO merging by rank-wise clustering ({@link Cluster}). */
@Command(
        name = "cluster",
        sortOptions = false,
        description = {
            "Merge adapters LoRA-LEGO style: the rank units of all inputs clustered (k-means++, seeded) into K",
            "units per module, each centroid one rank of the result."
        })
public final class ClusterCommand implements Callable<Integer> {
    @Mixin
    AdaptersToMerge adapters;

    @Option(
            names = {"-k", "--k"},
            paramLabel = "K",
            required = true,
            description = "Clusters per module: the merged rank.")
    int k;

    @Mixin
    AdapterOutput output;

    @Mixin
    JsonReportOption json;

    @Mixin
    SeedOption seed;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            defaultValue = "" + Cluster.DEFAULT_ITERATIONS,
            description = "Most Lloyd iterations (default ${DEFAULT-VALUE}; they stop at a fixed point).")
    int iterations;

    @Option(
            names = "--parameter-reweighting",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Rescale centroids to their members' mean norm (default on).")
    boolean parameterReweighting;

    @Option(names = "--output-reweighting", description = "Multiply the update by √(r̄/K) (off by default).")
    boolean outputReweighting;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec.commandLine(), "--k", k, 1);
        OptionChecks.atLeast(spec.commandLine(), "--iterations", iterations, 1);
        output.check(adapters.paths);
        Adapter merged = Cluster.of(adapters.load())
                .k(k)
                .seed(seed.value)
                .iterations(iterations)
                .parameterReweighting(parameterReweighting)
                .outputReweighting(outputReweighting)
                .adapter();
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        Adapter written = output.save(merged);
        int max = written.type().modules().values().stream()
                .mapToInt(ModuleSpec::rank)
                .max()
                .orElse(0);
        json.print(
                spec.commandLine().getOut(),
                () -> WrittenAdapterJson.of("cluster", null, adapters.paths.size(), output.path, written),
                out -> out.println("wrote " + output.path + ": LoRA-LEGO of " + adapters.paths.size() + " adapters, "
                        + written.modules().size() + " modules, rank ≤ " + max));
        return ExitCodes.OK;
    }
}
