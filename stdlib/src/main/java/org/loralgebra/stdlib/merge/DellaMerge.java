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
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * mergekit's {@code della} and {@code della_linear} (Deep et al. 2024, "DELLA-Merging: magnitude-based sampling";
 * mergekit/sparsify.py {@code della_magprune}) on the dense updates δᵢ = sᵢBᵢAᵢ, streamed by row blocks: in each
 * row (n entries) the entry of ascending magnitude rank ρ ∈ 1..n (ties by column) is kept with probability
 * (d − ε) + 2ε(ρ − 1)/(n − 1) (d for n = 1), the kept entries multiplied by ‖δᵢ‖₁/‖kept‖₁ over the whole tensor (a
 * first pass; 1 when either norm is below 1e-7). {@code della_linear}: Σ wᵢδᵢ'; {@code della}: mergekit's consensus
 * (sign elected from Σ wᵢδᵢ' or the count of signs), Σ over agreeing wᵢδᵢ' divided by Σ agreeing wᵢ (0 → 1).
 * Then the best rank-k approximation, as {@link UpdateMerge}. The draw for entry j is
 * {@code SplitMix64.uniformAt(key, j) < p}, keyed by (seed, module, input position), so the same seed gives the
 * same bytes on any thread. <b>Dense</b>: ranks and masks are per entry.
 */
record DellaMerge(
        Method method,
        List<Double> weights,
        double density,
        double epsilon,
        MajoritySign sign,
        long seed,
        Optional<Rank> rank,
        int defaultRank,
        OptionalDouble clamp)
        implements ExecutableKernel {
    DellaMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s weights=%s density=%s epsilon=%s%s seed=%d (dense: updates streamed by row blocks, then the top-k SVD "
                        + "to rank %s, randomized and residual-checked)",
                method.id(),
                weights,
                density,
                epsilon,
                method == Method.DELLA ? " sign=" + sign.peftName() : "",
                seed,
                rank.map(Object::toString).orElse(String.valueOf(defaultRank)));
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, specs -> RowsSvd.outputRank(specs.get(0), rank, defaultRank));
    }

    /** The keep probability of the entry of ascending magnitude rank ρ (1-based) in a row of n entries. */
    static double keepProbability(double density, double epsilon, int rho, int n) {
        return n == 1 ? density : density - epsilon + 2 * epsilon * (rho - 1) / (n - 1);
    }

    /** Zeroes the entries of one row that DELLA drops ({@code base} is the row's first entry index in the tensor). */
    static void prune(double[] row, int offset, int n, long key, long base, double density, double epsilon) {
        prune(row, offset, n, key, base, density, epsilon, new MagnitudeRanks(n));
    }

    /**
     * {@link #prune}, with scratch reused from row to row. The keep probability is monotone in the rank, so an entry
     * whose draw lies below the probabilities of both its lowest and highest possible rank is kept, one whose draw
     * lies above both dropped, and only the others need their exact rank: the same decisions as ranking every entry.
     */
    static void prune(
            double[] row,
            int offset,
            int n,
            long key,
            long base,
            double density,
            double epsilon,
            MagnitudeRanks order) {
        order.bucket(row, offset, n);
        for (int b = 0; b < order.buckets(); b++) {
            int first = order.first(b);
            int end = order.end(b);
            if (first == end) {
                continue;
            }
            double atFirst = keepProbability(density, epsilon, first + 1, n);
            double atLast = keepProbability(density, epsilon, end, n);
            double sure = Math.min(atFirst, atLast); // below it an entry of this bucket is kept whatever its rank
            double never = Math.max(atFirst, atLast); // at or above it dropped whatever its rank
            for (int i = first; i < end; i++) {
                int j = order.member(i);
                double u = SplitMix64.uniformAt(key, base + j);
                boolean keep = u < sure || (u < never && u < keepProbability(density, epsilon, order.rank(j) + 1, n));
                if (!keep) {
                    row[offset + j] = 0;
                }
            }
        }
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        int rows = out.out();
        int cols = out.in();
        int n = p.size();
        UpdateRows updates = UpdateRows.of(be, p, cols);
        long[] keys = new long[n];
        for (int j = 0; j < n; j++) {
            keys[j] = SplitMix64.key(seed, out.name(), p.positions().get(j), UpdateMerge.TENSOR_UPDATE);
        }
        int step = UpdateRows.blockRows(rows, cols);
        double[] block = new double[step * cols];
        // one row-ranking scratch for the whole merge: both passes run on this thread, block after block
        MagnitudeRanks order = new MagnitudeRanks(cols);
        double[] factor = new double[n];
        for (int i = 0; i < n; i++) {
            double before = 0;
            double after = 0;
            for (int from = 0; from < rows; from += step) {
                int to = Math.min(rows, from + step);
                updates.rows(i, from, to, block);
                for (int j = 0, len = (to - from) * cols; j < len; j++) {
                    before += Math.abs(block[j]);
                }
                pruneRows(block, from, to, cols, keys[i], order);
                for (int j = 0, len = (to - from) * cols; j < len; j++) {
                    after += Math.abs(block[j]);
                }
            }
            factor[i] = before < 1e-7 || after < 1e-7 ? 1.0 : before / after;
        }
        double[] w = p.weights(weights);
        double[][] blocks = new double[n][];
        SignElection.Blocks election = new SignElection.Blocks();
        Backend.RowFill merged = (from, to, dst) -> {
            int len = (to - from) * cols;
            for (int i = 0; i < n; i++) {
                if (blocks[i] == null || blocks[i].length < len) {
                    blocks[i] = new double[len];
                }
                updates.rows(i, from, to, blocks[i]);
                pruneRows(blocks[i], from, to, cols, keys[i], order);
                for (int j = 0; j < len; j++) {
                    blocks[i][j] *= factor[i];
                }
            }
            combine(blocks, w, len, dst, election);
        };
        return RowsSvd.of(be, out, merged, rank, defaultRank, clamp, updates.span(rows, cols));
    }

    private void pruneRows(double[] block, int from, int to, int cols, long key, MagnitudeRanks order) {
        for (int r = from; r < to; r++) {
            prune(block, (r - from) * cols, cols, key, (long) r * cols, density, epsilon, order);
        }
    }

    /** Combines the pruned blocks into {@code dst[0, len)}. */
    private void combine(double[][] blocks, double[] w, int len, double[] dst, SignElection.Blocks election) {
        if (method == Method.DELLA_LINEAR) {
            Arrays.fill(dst, 0, len, 0.0);
            for (int i = 0; i < blocks.length; i++) {
                double[] b = blocks[i];
                for (int j = 0; j < len; j++) {
                    dst[j] += w[i] * b[j];
                }
            }
            return;
        }
        double[] divisor = election.sums(blocks, w, w, w, sign, len, dst);
        for (int j = 0; j < len; j++) {
            dst[j] /= divisor[j] == 0 ? 1.0 : divisor[j];
        }
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
        double small = Math.min(m, n);
        // each update formed twice (the L1 pass, the merge), a sort per row, then the dense SVD
        return inputs.size() * (4 * m * n * r + 2 * m * n * Math.log(Math.max(2, n)) / Math.log(2)) + 4 * m * n * small;
    }
}
