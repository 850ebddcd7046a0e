package org.loralgebra.stdlib.merge;

import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * How N same-shaped task tensors tᵢ with weights wᵢ become one, after each is {@link Sparsification sparsified}:
 * <ul>
 * <li>{@link Style#SUM}: Σ wᵢtᵢ (PEFT's {@code task_arithmetic}, {@code magnitude_prune}, {@code dare_linear});
 * with {@code normalize}, divided by Σwᵢ (mergekit; a |Σwᵢ| below 1e-8 divides by 1).</li>
 * <li>{@link Style#PEFT_TIES}: PEFT's {@code ties}/{@code dare_ties}: a sign elected per entry from the
 * <i>unweighted</i> tᵢ ({@link MajoritySign}), then the disjoint mean Σ [sign tᵢ = elected]·wᵢtᵢ / max(#agreeing, 1).
 * A zero entry agrees with no sign.</li>
 * <li>{@link Style#MERGEKIT_TIES}: mergekit's consensus: the sign elected from the <i>weighted</i> wᵢtᵢ, the sum
 * Σ [sign wᵢtᵢ = elected]·wᵢtᵢ, divided (with {@code normalize}) by Σ [agreeing] wᵢ (0 divides by 1).</li>
 * </ul>
 * Sums run over inputs in order, in double precision. The election needs every tensor before any entry can be
 * merged: tensors are kept from the first pass when they fit in {@value #CACHE_LIMIT} values together and
 * recomputed (deterministically) otherwise, so a large module never holds N dense updates at once.
 */
record Combination(Sparsification sparsification, Style style, MajoritySign sign, boolean normalize) {
    /** See the class documentation. */
    enum Style {
        SUM,
        PEFT_TIES,
        MERGEKIT_TIES
    }

    static final long CACHE_LIMIT = 8L << 20;

    /**
     * Combines {@code count} tensors of {@code length} entries. {@code raw.apply(i)} returns a fresh array with
     * tensor i (it is pruned in place); {@code keys.applyAsLong(i)} keys its random mask.
     */
    double[] apply(int count, int length, IntFunction<double[]> raw, double[] weights, IntToLongFunction keys) {
        // a tensor recomputed for the second pass of an election is pruned where the first pass cut it
        Sparsification.Cut[] cuts = new Sparsification.Cut[count];
        boolean[] pruned = new boolean[count];
        IntFunction<double[]> task = i -> {
            double[] t = raw.apply(i);
            if (pruned[i]) {
                sparsification.reapply(t, keys.applyAsLong(i), cuts[i]);
            } else {
                cuts[i] = sparsification.applyInPlace(t, keys.applyAsLong(i));
                pruned[i] = true;
            }
            return t;
        };
        return switch (style) {
            case SUM -> sum(count, length, task, weights);
            case PEFT_TIES, MERGEKIT_TIES -> consensus(count, length, task, weights);
        };
    }

    private double[] sum(int count, int length, IntFunction<double[]> task, double[] w) {
        double[] out = new double[length];
        double total = 0;
        for (int i = 0; i < count; i++) {
            double[] t = task.apply(i);
            for (int j = 0; j < length; j++) {
                out[j] += w[i] * t[j];
            }
            total += w[i];
        }
        if (normalize && Math.abs(total) >= 1e-8) {
            for (int j = 0; j < length; j++) {
                out[j] /= total;
            }
        }
        return out;
    }

    private double[] consensus(int count, int length, IntFunction<double[]> task, double[] w) {
        boolean weighted = style == Style.MERGEKIT_TIES;
        boolean cache = (long) count * length <= CACHE_LIMIT;
        double[][] kept = cache ? new double[count][] : null;
        double[] votes = new double[length];
        for (int i = 0; i < count; i++) {
            double[] t = task.apply(i);
            if (cache) {
                kept[i] = t;
            }
            SignElection.vote(votes, t, weighted ? w[i] : 1.0, sign, length);
        }
        double[] out = new double[length];
        double[] divisor = new double[length];
        for (int i = 0; i < count; i++) {
            double[] t = cache ? kept[i] : task.apply(i);
            double f = weighted ? w[i] : 1.0;
            SignElection.addAgreeing(out, divisor, votes, t, f, w[i], f, length);
            if (cache) {
                kept[i] = null;
            }
        }
        divideAgreeing(out, divisor, length);
        return out;
    }

    /**
     * The disjoint sums {@code out[0, n)} of a consensus divided as this style does: by max(#agreeing, 1) for PEFT's,
     * by Σ agreeing wᵢ (0 divides by 1) for mergekit's with {@code normalize}, not at all without.
     */
    void divideAgreeing(double[] out, double[] divisor, int n) {
        if (style == Style.MERGEKIT_TIES) {
            if (normalize) {
                for (int j = 0; j < n; j++) {
                    out[j] /= divisor[j] == 0 ? 1.0 : divisor[j];
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                out[j] /= Math.max(divisor[j], 1.0);
            }
        }
    }

    @Override
    public String toString() {
        String s = switch (style) {
            case SUM -> "sum";
            case PEFT_TIES -> "elect " + sign.peftName() + ", disjoint mean";
            case MERGEKIT_TIES -> "elect weighted " + sign.peftName() + (normalize ? ", normalized" : "");
        };
        return sparsification.kind() == Method.Pruning.NONE ? s : sparsification + ", " + s;
    }
}
