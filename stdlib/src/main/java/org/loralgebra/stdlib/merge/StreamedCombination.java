package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.function.IntToLongFunction;
import org.loralgebra.exec.Backend;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * {@link Combination#apply} over dense task tensors that are never held whole: each tensor's rows are recomputed
 * block by block from its factors ({@link Rows}), and the merged rows come out block by block in increasing order
 * ({@link #rows}), straight into whatever consumes them (the backend's SVD buffer). Entry for entry the same
 * arithmetic in the same order as {@link Combination#apply} on whole arrays, so the results are identical.
 *
 * <p>What needs a whole tensor is found by passes before the merge: the magnitude cut of each tensor
 * ({@link MagnitudeCut}: a radix histogram of the magnitudes and the entries of the boundary bucket), and the L1 norms of DARE's mergekit
 * rescaling. Ties at the cut keep the lowest indices, counted across blocks in row-major order. Memory: a few
 * blocks of rows per input, instead of N dense out×in tensors (2.7 GB for three 11008×4096 updates in double).
 */
final class StreamedCombination {
    /** Rows of the input tensors, recomputed on demand (the same values every time). */
    @FunctionalInterface
    interface Rows {
        /** Writes rows {@code [from, to)} of input {@code i}'s tensor into {@code dst}, row-major. */
        void rows(int i, int from, int to, double[] dst);
    }

    private final Combination combination;
    private final int count;
    private final int rows;
    private final int cols;
    private final Rows source;
    private final double[] weights;
    private final long[] keys;
    private final Sparsification.Cut[] cuts;
    private final double[] rescale;
    private final int[] tiesLeft;
    private final double total;
    private double[][] blocks = new double[0][];
    private final double[] voteWeights; // what each input's entries count in the election (and its share)
    private final SignElection.Blocks election = new SignElection.Blocks();
    private int nextRow;

    private StreamedCombination(
            Combination combination,
            int count,
            int rows,
            int cols,
            Rows source,
            double[] weights,
            IntToLongFunction keys) {
        this.combination = combination;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.source = source;
        this.weights = weights.clone();
        this.voteWeights = new double[count];
        for (int i = 0; i < count; i++) {
            // mergekit's consensus weighs the votes, PEFT's counts each input once
            voteWeights[i] = combination.style() == Combination.Style.MERGEKIT_TIES ? weights[i] : 1.0;
        }
        this.keys = new long[count];
        for (int i = 0; i < count; i++) {
            this.keys[i] = keys.applyAsLong(i);
        }
        this.cuts = new Sparsification.Cut[count];
        this.rescale = new double[count];
        this.tiesLeft = new int[count];
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        this.total = sum;
    }

    /**
     * The merged tensor's rows, to be asked for once, in increasing order: runs the passes that need whole tensors
     * now, then merges each block when it is asked for.
     */
    static Backend.RowFill rows(
            Combination combination,
            int count,
            int rows,
            int cols,
            Rows source,
            double[] weights,
            IntToLongFunction keys) {
        StreamedCombination s = new StreamedCombination(combination, count, rows, cols, source, weights, keys);
        s.prepare();
        return s::fill;
    }

    private Sparsification sparsification() {
        return combination.sparsification();
    }

    private boolean prunes() {
        Sparsification sp = sparsification();
        return sp.kind() != Method.Pruning.NONE && sp.density() < 1;
    }

    /** Rows per block: about 32 K values, so a block of every input stays in cache. */
    private int blockRows() {
        return Math.max(1, Math.min(rows, (32 << 10) / Math.max(1, cols)));
    }

    private void prepare() {
        Arrays.fill(rescale, 1.0);
        if (!prunes()) {
            return;
        }
        Sparsification sp = sparsification();
        long length = (long) rows * cols;
        for (int i = 0; i < count; i++) {
            if (sp.kind() == Method.Pruning.MAGNITUDE) {
                cuts[i] = cut(i, (int) (sp.density() * length));
                tiesLeft[i] = cuts[i].equalKept();
            } else {
                rescale[i] = darePrepass(i);
            }
        }
    }

    /** The magnitude cut of input i keeping {@code keep} entries, as {@link Sparsification#keepLargest} finds it. */
    private Sparsification.Cut cut(int i, int keep) {
        long length = (long) rows * cols;
        if (keep >= length) {
            return new Sparsification.Cut(-1, 0);
        }
        if (keep <= 0) {
            return new Sparsification.Cut(Double.POSITIVE_INFINITY, 0);
        }
        return MagnitudeCut.of(source, i, rows, cols, keep).cut();
    }

    /** DARE's rescaling factor for input i (L1 rescaling needs both norms over the whole tensor first). */
    private double darePrepass(int i) {
        Sparsification sp = sparsification();
        return switch (sp.rescale()) {
            case NONE -> 1.0;
            case INVERSE_DENSITY -> 1.0 / sp.density();
            case L1 -> {
                int step = blockRows();
                double[] block = new double[step * cols];
                long bound = SplitMix64.boundOf(sp.density());
                double before = 0;
                double after = 0;
                for (int from = 0; from < rows; from += step) {
                    int to = Math.min(rows, from + step);
                    source.rows(i, from, to, block);
                    long base = (long) from * cols;
                    for (int j = 0, n = (to - from) * cols; j < n; j++) {
                        double m = Math.abs(block[j]);
                        before += m;
                        long kept = SplitMix64.belowMask(keys[i], base + j, bound);
                        after += Double.longBitsToDouble(Double.doubleToRawLongBits(m) & kept);
                    }
                }
                yield before < 1e-7 || after < 1e-7 ? 1.0 : before / after;
            }
        };
    }

    /** Input i's rows [from, to) pruned as the whole tensor would be. */
    private void pruned(int i, int from, int to, double[] t) {
        source.rows(i, from, to, t);
        if (!prunes()) {
            return;
        }
        int n = (to - from) * cols;
        if (cuts[i] != null) {
            tiesLeft[i] = Sparsification.cutInPlace(t, n, cuts[i].threshold(), tiesLeft[i]);
            return;
        }
        long bound = SplitMix64.boundOf(sparsification().density());
        double factor = rescale[i];
        long base = (long) from * cols;
        for (int j = 0; j < n; j++) {
            long kept = SplitMix64.belowMask(keys[i], base + j, bound);
            t[j] = Double.longBitsToDouble(Double.doubleToRawLongBits(t[j]) & kept);
        }
        if (factor != 1.0) {
            for (int j = 0; j < n; j++) {
                t[j] *= factor;
            }
        }
    }

    private void fill(int from, int to, double[] dst) {
        if (from != nextRow || to <= from || to > rows) {
            throw new IllegalStateException("merged rows are produced in order: asked for [" + from + ", " + to
                    + ") after row " + nextRow + " of " + rows);
        }
        nextRow = to;
        int n = (to - from) * cols;
        if (blocks.length != count || blocks[0].length < n) {
            blocks = new double[count][n];
        }
        for (int i = 0; i < count; i++) {
            pruned(i, from, to, blocks[i]);
        }
        switch (combination.style()) {
            case SUM -> sum(n, dst);
            case PEFT_TIES, MERGEKIT_TIES -> consensus(n, dst);
        }
    }

    private void sum(int n, double[] out) {
        Arrays.fill(out, 0, n, 0.0);
        for (int i = 0; i < count; i++) {
            double[] t = blocks[i];
            for (int j = 0; j < n; j++) {
                out[j] += weights[i] * t[j];
            }
        }
        if (combination.normalize() && Math.abs(total) >= 1e-8) {
            for (int j = 0; j < n; j++) {
                out[j] /= total;
            }
        }
    }

    private void consensus(int n, double[] out) {
        double[] divisor = election.sums(blocks, voteWeights, weights, voteWeights, combination.sign(), n, out);
        combination.divideAgreeing(out, divisor, n);
    }
}
