package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * mergekit's {@code breadcrumbs} and {@code breadcrumbs_ties} (Davari and Belilovsky 2024, "Model Breadcrumbs";
 * mergekit/sparsify.py {@code magnitude_outliers}) on the dense updates δᵢ = sᵢBᵢAᵢ, streamed by row blocks. Per
 * tensor of N entries: keep = ⌊dN⌋, n_top = ⌊γN⌋, n_bot = N − keep − n_top (if negative, n_top += n_bot and
 * n_bot = 0); the entries of ascending-|δ| ranks [n_bot, N − n_top) are kept, equal magnitudes ranked by position
 * (a stable sort), the rest zeroed; no rescaling. The two cuts are exact order statistics found by a first pass
 * ({@link RankWindow}). Then mergekit's generalized task arithmetic on Wᵢ = wᵢδᵢ': {@code breadcrumbs} Σ Wᵢ,
 * {@code breadcrumbs_ties} the sign elected from the Wᵢ and Σ over the agreeing Wᵢ; {@code normalize} (default off)
 * divides by Σ wᵢ (by Σ agreeing wᵢ with the election). Then the best rank-k approximation, as {@link UpdateMerge}.
 *
 * <p>One deliberate difference: where n_top = 0 (γN &lt; 1) mergekit's slice {@code [n_bot:-0]} is empty and zeroes
 * the whole tensor; here n_top = 0 removes no top outliers (ranks [n_bot, N) are kept). <b>Dense</b>.
 */
record BreadcrumbsMerge(
        Method method,
        List<Double> weights,
        double density,
        double gamma,
        MajoritySign sign,
        boolean normalize,
        Optional<Rank> rank,
        int defaultRank,
        OptionalDouble clamp)
        implements ExecutableKernel {
    BreadcrumbsMerge {
        weights = List.copyOf(weights);
    }

    /** The kept ascending ranks {lo, hi} of a tensor of {@code n} entries. */
    static long[] window(long n, double density, double gamma) {
        long keep = (long) (density * n);
        long top = (long) (gamma * n);
        long bottom = n - keep - top;
        if (bottom < 0) {
            top += bottom;
            bottom = 0;
        }
        return new long[] {bottom, n - top};
    }

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s weights=%s density=%s gamma=%s%s%s (dense: updates streamed by row blocks, a first pass for the "
                        + "magnitude cuts, then the top-k SVD to rank %s, randomized and residual-checked)",
                method.id(),
                weights,
                density,
                gamma,
                method.electsSign() ? " sign=" + sign.peftName() : "",
                normalize ? " normalize" : "",
                rank.map(Object::toString).orElse(String.valueOf(defaultRank)));
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, specs -> RowsSvd.outputRank(specs.get(0), rank, defaultRank));
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        int rows = out.out();
        int cols = out.in();
        UpdateRows updates = UpdateRows.of(be, p, cols);
        int n = updates.count();
        int step = UpdateRows.blockRows(rows, cols);
        RankWindow[] windows = new RankWindow[n];
        for (int i = 0; i < n; i++) {
            int input = i;
            windows[i] = RankWindow.of(
                    rows,
                    cols,
                    step,
                    (from, to, dst) -> {
                        updates.rows(input, from, to, dst);
                        for (int j = 0, len = (to - from) * cols; j < len; j++) {
                            dst[j] = Math.abs(dst[j]);
                        }
                    },
                    (entries, nonzero) -> window(entries, density, gamma),
                    RankWindow.Ties.LOWER_FIRST);
        }
        Combination combination = new Combination(
                Sparsification.NONE,
                method.electsSign() ? Combination.Style.MERGEKIT_TIES : Combination.Style.SUM,
                sign,
                normalize);
        double[] w = p.weights(weights);
        RankWindow.Walk[] walks = Arrays.stream(windows).map(RankWindow::walk).toArray(RankWindow.Walk[]::new);
        double[][] blocks = new double[n][step * cols];
        Backend.RowFill merged = (from, to, dst) -> {
            int len = (to - from) * cols;
            for (int i = 0; i < n; i++) {
                if (blocks[i].length < len) {
                    blocks[i] = new double[len];
                }
                updates.rows(i, from, to, blocks[i]);
                for (int j = 0; j < len; j++) {
                    if (!walks[i].keeps(Math.abs(blocks[i][j]))) {
                        blocks[i][j] = 0;
                    }
                }
            }
            double[] c = combination.apply(n, len, i -> Arrays.copyOf(blocks[i], len), w, i -> 0L);
            System.arraycopy(c, 0, dst, 0, len);
        };
        return RowsSvd.of(be, out, merged, rank, defaultRank, clamp, updates.span(rows, cols));
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double n = out.in();
        double r = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .max()
                .orElse(0);
        // each update formed three times (histogram, boundary buckets, merge), then the dense SVD
        return inputs.size() * 6 * m * n * r + 4 * m * n * Math.min(m, n);
    }
}
