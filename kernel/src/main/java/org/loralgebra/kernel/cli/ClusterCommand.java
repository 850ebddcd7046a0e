package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.cluster.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lora cluster --k K A B ... -o OUT}: LoRA-LEGO merging by rank-wise clustering ({@link Cluster}). */
@Command(name = "cluster", sortOptions = false,
        description = {"Merge adapters LoRA-LEGO style: the rank units of all inputs clustered (k-means++, seeded) into K",
                "units per module, each centroid one rank of the result."})
public final class ClusterCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "ADAPTER", description = "The adapters to merge (PEFT folders).")
    List<Path> adapters;

    @Option(names = {"-k", "--k"}, paramLabel = "K", required = true, description = "Clusters per module: the merged rank.")
    int k;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Output adapter folder.")
    Path output;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "0", description = "k-means++ seed (default 0).")
    long seed;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + Cluster.DEFAULT_ITERATIONS,
            description = "Most Lloyd iterations (default ${DEFAULT-VALUE}; they stop at a fixed point).")
    int iterations;

    @Option(names = "--parameter-reweighting", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Rescale centroids to their members' mean norm (default on).")
    boolean parameterReweighting;

    @Option(names = "--output-reweighting", description = "Multiply the update by √(r̄/K) (off by default).")
    boolean outputReweighting;

    @Mixin
    OverwriteOption overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--k must be ≥ 1, got " + k);
        }
        if (iterations < 1) {
            throw new ParameterException(spec.commandLine(), "--iterations must be ≥ 1, got " + iterations);
        }
        overwrite.checkAdapter(output, adapters);
        Adapter merged = Cluster.ranks(k).seed(seed).iterations(iterations).parameterReweighting(parameterReweighting)
                .outputReweighting(outputReweighting).of(adapters.stream().map(Lora::load).toList());
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        merged.save(output, overwrite.saveOptions());
        Adapter written = Lora.load(output);
        int max = written.type().modules().values().stream().mapToInt(x -> x.rank()).max().orElse(0);
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + output + ": LoRA-LEGO of " + adapters.size() + " adapters, " + written.modules().size()
                + " modules, rank ≤ " + max);
        out.flush();
        return ExitCodes.OK;
    }
}
