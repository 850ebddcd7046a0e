package org.loralgebra.hub.cli;

import java.util.concurrent.Callable;
import org.loralgebra.hub.ClusterOptions;
import org.loralgebra.hub.HubAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lora hub cluster PATHS… --k K -o OUT}: LoRA-LEGO rank units clustered per module, and whole adapters. */
@Command(
        name = "cluster",
        description = {
            "The LoRA-LEGO rank units of all adapters clustered per module, as lora cluster clusters them",
            "(k-means up to sign, seeded): one row per unit (OUT/units); whole adapters clustered by where their",
            "units fall (OUT/adapters); unreadable adapters (OUT/errors)."
        })
final class HubClusterCommand implements Callable<Integer> {
    @Mixin
    HubInput input;

    @Option(
            names = {"-k", "--k"},
            paramLabel = "K",
            required = true,
            description = "Clusters of rank units per module.")
    int k;

    @Option(
            names = "--adapter-k",
            paramLabel = "N",
            defaultValue = "0",
            description = "Clusters of whole adapters (default K).")
    int adapterK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "k-means++ seed (default 0).")
    long seed;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            defaultValue = "100",
            description = "Most Lloyd iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClusterOptions o = ClusterOptions.of(k)
                .withAdapterK(adapterK == 0 ? k : adapterK)
                .withSeed(seed)
                .withIterations(iterations);
        return HubRun.run(
                input,
                spec.commandLine().getErr(),
                "cluster",
                paths -> HubAnalysis.cluster(paths, o),
                (hub, paths) -> hub.cluster(paths, o));
    }
}
