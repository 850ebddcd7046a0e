package org.loralgebra.hub.cli;

import java.util.concurrent.Callable;
import org.loralgebra.hub.HubAnalysis;
import org.loralgebra.hub.SimilarityOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lora hub similarity PATHS… -o OUT}: every pair's cosine and subspace overlap, neighbours, duplicates. */
@Command(
        name = "similarity",
        description = {
            "Every pair of adapters: cosine of the updates (factored) and mean subspace overlap φ(k,k) over shared",
            "modules (OUT/pairs; with --min-pair-cosine only the pairs at or above it); the top-k neighbours of each",
            "(OUT/neighbours); near-duplicate groups (OUT/groups); unreadable adapters (OUT/errors). Pairs are",
            "computed one block pair per task."
        })
final class HubSimilarityCommand implements Callable<Integer> {
    @Mixin
    HubInput input;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "10", description = "Neighbours per adapter.")
    int topK;

    @Option(
            names = "--threshold",
            paramLabel = "C",
            defaultValue = "0.95",
            description = "Cosine at or above which adapters are near-duplicates (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(
            names = "--min-pair-cosine",
            paramLabel = "C",
            description = "Write only the pairs whose cosine is at least C in [-1, 1] (default: every pair, those that"
                    + " do not compare included); neighbours and groups still see every pair.")
    Double minPairCosine;

    @Option(
            names = "--block-size",
            paramLabel = "B",
            defaultValue = "0",
            description = "Adapters per block (default ⌈n/8⌉ within [16, 256]).")
    int blockSize;

    @Option(
            names = "--base-model",
            paramLabel = "NAME",
            description = "Read every adapter as one of base model NAME, whatever its config says: pairs are compared"
                    + " even where their configs name the model differently (a hub id, a re-upload, a local path).")
    String baseModel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SimilarityOptions o = SimilarityOptions.defaults()
                .withTopK(topK)
                .withThreshold(threshold)
                .withBlockSize(blockSize)
                .withMinPairCosine(minPairCosine == null ? Double.NEGATIVE_INFINITY : minPairCosine)
                .withBaseModel(baseModel);
        return HubRun.run(
                input,
                spec.commandLine().getErr(),
                "similarity",
                paths -> HubAnalysis.similarity(paths, o),
                (hub, paths) -> hub.similarity(paths, o));
    }
}
