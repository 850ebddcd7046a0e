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
 * mergekit's {@code sce} (select, calculate, erase; FuseChat 2.0; mergekit/merge_methods/sce.py) on the dense updates
 * δₜ = sₜBₜAₜ of T inputs, streamed by row blocks; it takes no per-input weights. <b>Select</b> (τ =
 * {@code selectTopK} &lt; 1): the population variance over the inputs of each entry, vₑ = (1/T)Σₜ(δₜₑ − δ̄ₑ)²; the
 * ⌊τ·#(v ≠ 0)⌋ largest are kept in every δₜ, the other entries zeroed (equal variances: lower positions kept first;
 * none kept when that count is 0). <b>Calculate</b>: wₜ = mean(δₜ²)/Σᵤ mean(δᵤ²) on the selected δ (1/T where the sum
 * is below 1e-6). <b>Erase</b>: the sign elected per entry from Σₜ δₜ (+ when ≥ 0), mₜ = [sign δₜ = elected] (a zero
 * agrees with neither); result Σₜ wₜmₜδₜ / max(Σₜ wₜmₜ, 1e-6). Three passes (the variance cut, the weights, the
 * merge), then the best rank-k approximation, as {@link UpdateMerge}. <b>Dense</b>.
 */
record SceMerge(double selectTopK, Optional<Rank> rank, int defaultRank, OptionalDouble clamp)
        implements ExecutableKernel {

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT,
                "sce select_topk=%s (dense: updates streamed by row blocks, passes for the variance cut and the "
                        + "weights, then the top-k SVD to rank %s, randomized and residual-checked)",
                selectTopK,
                rank.map(Object::toString).orElse(String.valueOf(defaultRank)));
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, specs -> RowsSvd.outputRank(specs.get(0), rank, defaultRank));
    }

    /** Writes the population variance over the inputs of each of the {@code len} entries of {@code blocks}. */
    static void variance(double[][] blocks, int len, double[] dst) {
        int t = blocks.length;
        for (int j = 0; j < len; j++) {
            double mean = 0;
            for (double[] b : blocks) {
                mean += b[j];
            }
            mean /= t;
            double v = 0;
            for (double[] b : blocks) {
                double d = b[j] - mean;
                v += d * d;
            }
            dst[j] = v / t;
        }
    }

    /** The selected updates' rows [from, to) into {@code blocks}: every input's, zeroed outside the selection. */
    private static void selected(
            UpdateRows updates, int from, int to, int cols, RankWindow.Walk walk, double[][] blocks, double[] var) {
        int len = (to - from) * cols;
        for (int i = 0; i < blocks.length; i++) {
            updates.rows(i, from, to, blocks[i]);
        }
        if (walk == null) {
            return;
        }
        variance(blocks, len, var);
        for (int j = 0; j < len; j++) {
            if (!walk.keeps(var[j])) {
                for (double[] b : blocks) {
                    b[j] = 0;
                }
            }
        }
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        int rows = out.out();
        int cols = out.in();
        UpdateRows updates = UpdateRows.of(be, p, cols);
        int n = updates.count();
        int step = UpdateRows.blockRows(rows, cols);
        double[][] blocks = new double[n][step * cols];
        double[][] var = {new double[step * cols]};
        RankWindow window = null;
        if (selectTopK < 1) {
            window = RankWindow.of(
                    rows,
                    cols,
                    step,
                    (from, to, dst) -> {
                        for (int i = 0; i < n; i++) {
                            updates.rows(i, from, to, blocks[i]);
                        }
                        variance(blocks, (to - from) * cols, dst);
                    },
                    (entries, nonzero) -> {
                        long k = selectTopK <= 0 ? 0 : (long) (selectTopK * nonzero);
                        return new long[] {entries - k, entries};
                    },
                    RankWindow.Ties.LOWER_LAST);
        }
        double[] squares = new double[n];
        RankWindow.Walk first = window == null ? null : window.walk();
        for (int from = 0; from < rows; from += step) {
            int to = Math.min(rows, from + step);
            selected(updates, from, to, cols, first, blocks, var[0]);
            for (int i = 0; i < n; i++) {
                for (int j = 0, len = (to - from) * cols; j < len; j++) {
                    squares[i] += blocks[i][j] * blocks[i][j];
                }
            }
        }
        double total = 0;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = squares[i] / ((double) rows * cols);
            total += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] = Math.abs(total) < 1e-6 ? 1.0 / n : w[i] / total;
        }
        RankWindow.Walk second = window == null ? null : window.walk();
        SignElection.Blocks election = new SignElection.Blocks(); // the erase step
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        Backend.RowFill merged = (from, to, dst) -> {
            int len = (to - from) * cols;
            if (blocks[0].length < len) {
                for (int i = 0; i < n; i++) {
                    blocks[i] = new double[len];
                }
                var[0] = new double[len];
            }
            selected(updates, from, to, cols, second, blocks, var[0]);
            double[] divisor = election.sums(blocks, ones, w, w, MajoritySign.TOTAL, len, dst);
            for (int j = 0; j < len; j++) {
                dst[j] /= Math.max(divisor[j], 1e-6);
            }
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
        // each update formed up to four times (histogram, boundary buckets, weights, merge), then the dense SVD
        return inputs.size() * 8 * m * n * r + 4 * m * n * Math.min(m, n);
    }
}
