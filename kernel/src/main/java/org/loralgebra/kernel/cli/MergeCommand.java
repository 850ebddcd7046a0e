package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.merge.MajoritySign;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora merge [--method M] [--weights W,W,...] [--density D] [--rank R] [--seed S] A B ... -o OUT}: PEFT's
 * {@code add_weighted_adapter} combination types and mergekit's task arithmetic family ({@link Merge}).
 */
@Command(name = "merge", sortOptions = false,
        description = {"Merge adapters as PEFT's add_weighted_adapter does (linear, cat, svd, ties, ties_svd, dare_linear,",
                "dare_ties, dare_linear_svd, dare_ties_svd, magnitude_prune, magnitude_prune_svd) or as mergekit does on the",
                "updates (task_arithmetic, mergekit_ties, mergekit_dare_ties, mergekit_dare_linear)."})
public final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "ADAPTER", description = "The adapters to merge (PEFT folders).")
    List<Path> adapters;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Output adapter folder.")
    Path output;

    @Option(names = {"-m", "--method"}, paramLabel = "M", defaultValue = "svd",
            description = "Combination type (default: ${DEFAULT-VALUE}, as PEFT).")
    String method;

    @Option(names = {"-w", "--weights"}, paramLabel = "W", split = ",",
            description = "One weight per adapter, comma-separated (default: 1 each).")
    double[] weights;

    @Option(names = {"-d", "--density"}, paramLabel = "D",
            description = "Fraction of entries kept by pruning methods (ties, dare_*, magnitude_prune*, mergekit_*), 0 < D ≤ 1.")
    Double density;

    @Option(names = "--majority-sign", paramLabel = "HOW",
            description = "TIES sign election: total (default) or frequency.")
    String majoritySign;

    @Option(names = {"-r", "--rank"}, paramLabel = "R",
            description = "Rank of the result: svd_rank for methods ending in an SVD (default: the largest input rank), "
                    + "a final truncation otherwise.")
    Integer rank;

    @Option(names = "--svd-clamp", paramLabel = "Q", description = "PEFT's svd_clamp: clamp the SVD factors to their Q-quantile.")
    Double svdClamp;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Seed of DARE's random drop (default 0).")
    Long seed;

    @Option(names = "--normalize", negatable = true, paramLabel = "",
            description = "mergekit's normalize (divide by the weights' sum) for task_arithmetic and mergekit_*.")
    Boolean normalize;

    @Mixin
    OverwriteOption overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Method m;
        try {
            m = Method.parse(method);
        } catch (org.loralgebra.lang.LoraException e) {
            throw new ParameterException(spec.commandLine(), "--method: " + e.getMessage());
        }
        overwrite.checkAdapter(output, adapters);
        Merge merge = Merge.of(adapters.stream().map(Lora::load).toArray(Adapter[]::new)).method(m);
        if (weights != null) {
            merge = merge.weights(weights);
        }
        if (density != null) {
            merge = merge.density(density);
        }
        if (majoritySign != null) {
            merge = merge.majoritySign(MajoritySign.parse(majoritySign));
        }
        if (rank != null) {
            merge = merge.rank(rank);
        }
        if (svdClamp != null) {
            merge = merge.svdClamp(svdClamp);
        }
        if (seed != null) {
            merge = merge.seed(seed);
        }
        if (normalize != null) {
            merge = merge.normalize(normalize);
        }
        Adapter merged = merge.build();
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        merged.save(output, overwrite.saveOptions());
        Adapter written = Lora.load(output);
        int max = written.type().modules().values().stream().mapToInt(x -> x.rank()).max().orElse(0);
        int min = written.type().modules().values().stream().mapToInt(x -> x.rank()).min().orElse(0);
        PrintWriter out = spec.commandLine().getOut();
        out.println(String.format(Locale.ROOT, "wrote %s: %s of %d adapters, %d modules, rank %s", output, m.id(),
                adapters.size(), written.modules().size(), min == max ? String.valueOf(max) : min + "–" + max));
        out.flush();
        return ExitCodes.OK;
    }
}
