package org.loralgebra.kernel.cli;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.TopSvdStats;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.merge.CoreMerge;
import org.loralgebra.stdlib.merge.MajoritySign;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora merge [--method M] [--weights W,W,...] [--density D] [--rank R] [--seed S] A B ... -o OUT}: PEFT's
 * {@code add_weighted_adapter} combination types, mergekit's task arithmetic family and the 2025 methods (core space,
 * TSV, Iso-C/CTS, KnOTS) with their options ({@link Merge}).
 */
@Command(
        name = "merge",
        sortOptions = false,
        description = {
            "Merge adapters as PEFT's add_weighted_adapter does (linear, cat, svd, ties, ties_svd, dare_linear,",
            "dare_ties, dare_linear_svd, dare_ties_svd, magnitude_prune, magnitude_prune_svd) or as mergekit does on the",
            "updates (task_arithmetic, mergekit_ties, mergekit_dare_ties, mergekit_dare_linear), or by the 2025",
            "methods, factored in the span of the inputs (core_space, tsv, iso_c, iso_cts, knots_ties, knots_dare_ties,",
            "model_stock, karcher and nuslerp on the updates), and mergekit's della, della_linear, breadcrumbs,",
            "breadcrumbs_ties and sce (dense)."
        })
public final class MergeCommand implements Callable<Integer> {
    @Mixin
    AdaptersToMerge adapters;

    @Mixin
    AdapterOutput output;

    @Mixin
    JsonReportOption json;

    @Option(
            names = {"-m", "--method"},
            paramLabel = "M",
            defaultValue = "svd",
            description = "Combination type (default: ${DEFAULT-VALUE}, as PEFT).")
    String method;

    @Option(
            names = {"-w", "--weights"},
            paramLabel = "W",
            split = ",",
            description = "One weight per adapter, comma-separated (default: 1 each).")
    double[] weights;

    @Option(
            names = {"-d", "--density"},
            paramLabel = "D",
            description = "Fraction of entries kept by pruning methods, 0 < D ≤ 1. Defaults: PEFT's ties, dare_*, "
                    + "magnitude_prune* 0.2; mergekit_* and breadcrumbs* 1 (mergekit's); knots_ties 0.2, "
                    + "knots_dare_ties 0.9; della* 0.5; core_space with ties 0.3, with dare_ties 0.7.")
    Double density;

    @Option(
            names = "--majority-sign",
            paramLabel = "HOW",
            description = "TIES sign election: total (default) or frequency.")
    String majoritySign;

    @Option(
            names = {"-r", "--rank"},
            paramLabel = "R",
            description =
                    "Rank of the result: svd_rank for methods ending in an SVD (default: the largest input rank), "
                            + "a final truncation otherwise.")
    Integer rank;

    @Option(
            names = "--svd-clamp",
            paramLabel = "Q",
            description = "PEFT's svd_clamp: clamp the SVD factors to their Q-quantile.")
    Double svdClamp;

    @Mixin
    SeedOption seed;

    @Option(
            names = "--normalize",
            negatable = true,
            paramLabel = "",
            description = "mergekit's normalize (divide by the weights' sum) for task_arithmetic and mergekit_*.")
    Boolean normalize;

    @Option(
            names = "--core-merge",
            paramLabel = "F",
            description = "core_space: the merge of the cores: ta (default), mean, ties, dare_ties, tsv or cart.")
    String coreMerge;

    @Option(
            names = "--isotropize",
            negatable = true,
            paramLabel = "",
            description = "core_space: replace the merged core's singular values by their mean (Iso).")
    Boolean isotropize;

    @Option(
            names = "--common-space-fraction",
            paramLabel = "F",
            description = "iso_cts: the fraction of the spectrum kept for the common space, 0 ≤ F ≤ 1 (default 0.8).")
    Double commonSpaceFraction;

    @Option(
            names = "--merge-alpha",
            paramLabel = "A",
            description = "Merge.alpha: the final scale α of core_space, tsv, iso_*, knots_*, model_stock, karcher, "
                    + "nuslerp (default 1); --alpha is lora_alpha in every verb.")
    Double alpha;

    @Option(
            names = "--cart-rank-fraction",
            paramLabel = "RHO",
            description = "core_space with cart: each residual is cut to rank ⌈RHO·Σr⌉ (default 0.04).")
    Double cartRankFraction;

    @Option(
            names = "--cart-weight",
            paramLabel = "LAMBDA",
            description = "core_space with cart: the weight of the low-rank residuals (default 0.1).")
    Double cartWeight;

    @Option(
            names = "--della-epsilon",
            paramLabel = "E",
            description =
                    "Merge.epsilon for della and della_linear: keep probabilities span [D − E, D + E] by magnitude "
                            + "rank in each row (default 0.15); --epsilon is the intruder threshold elsewhere.")
    Double dellaEpsilon;

    @Option(
            names = "--gamma",
            paramLabel = "G",
            description = "Merge.gamma for breadcrumbs and breadcrumbs_ties: drop each tensor's ⌊G·N⌋ largest "
                    + "magnitudes as outliers (default 0.01).")
    Double gamma;

    @Option(
            names = "--select-topk",
            paramLabel = "T",
            description = "Merge.selectTopK for sce: keep the ⌊T·#(var ≠ 0)⌋ entries of largest variance across the "
                    + "inputs (default 1: all).")
    Double selectTopK;

    @Option(
            names = "--threshold-scope",
            paramLabel = "S",
            description = "Merge.thresholdScope for knots_ties: module (default; TIES' top-K per module) or global "
                    + "(over every module at once, as the KnOTS reference).")
    String thresholdScope;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Method m;
        try {
            m = Method.parse(method);
        } catch (LoraException e) {
            throw new ParameterException(spec.commandLine(), "--method: " + e.getMessage());
        }
        output.check(adapters.paths);
        Merge merge = Merge.of(adapters.load()).method(m).seed(seed.value);
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
        if (normalize != null) {
            merge = merge.normalize(normalize);
        }
        if (coreMerge != null) {
            try {
                merge = merge.coreMerge(CoreMerge.parse(coreMerge));
            } catch (LoraException e) {
                throw new ParameterException(spec.commandLine(), "--core-merge: " + e.getMessage());
            }
        }
        if (isotropize != null) {
            merge = merge.isotropize(isotropize);
        }
        if (commonSpaceFraction != null) {
            merge = merge.commonSpaceFraction(commonSpaceFraction);
        }
        if (alpha != null) {
            merge = merge.alpha(alpha);
        }
        if (cartRankFraction != null) {
            merge = merge.cartRankFraction(cartRankFraction);
        }
        if (cartWeight != null) {
            merge = merge.cartWeight(cartWeight);
        }
        if (dellaEpsilon != null) {
            merge = merge.epsilon(dellaEpsilon);
        }
        if (gamma != null) {
            merge = merge.gamma(gamma);
        }
        if (thresholdScope != null) {
            merge = merge.thresholdScope(thresholdScope);
        }
        if (selectTopK != null) {
            merge = merge.selectTopK(selectTopK);
        }
        Adapter merged = merge.adapter();
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        Adapter written;
        TopSvdStats.Snapshot topSvd;
        try (TopSvdStats.Recorder recorder = TopSvdStats.record()) {
            written = output.save(merged);
            topSvd = recorder.snapshot();
        }
        OptionalDouble pruned = merge.prunedDensity();
        json.print(
                spec.commandLine().getOut(),
                () -> WrittenAdapterJson.of(
                        "merge", m.id(), pruned, adapters.paths.size(), output.path, written, topSvd),
                out -> out.println(String.format(
                        Locale.ROOT,
                        "wrote %s: %s of %d adapters, %d modules, %s",
                        output.path,
                        m.id() + densityNote(pruned),
                        adapters.paths.size(),
                        written.modules().size(),
                        AdapterOutput.ranks(written))));
        return ExitCodes.OK;
    }

    /** " (density D)" for a merge that pruned, given or defaulted; "" otherwise. */
    private static String densityNote(OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, " (density %s)", d.getAsDouble()) : "";
    }
}
