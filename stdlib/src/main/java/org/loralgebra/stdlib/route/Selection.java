package org.loralgebra.stdlib.route;

import java.util.Arrays;
import org.loralgebra.lang.LoraException;

/**
 * Which experts each token goes to, and with what weight: for token t, slots {@code t·k .. t·k + k − 1} hold its
 * k experts by descending gate score (ties go to the lower expert index) and their weights.
 *
 * <p>Selection is index bookkeeping over the {@code [tokens, experts]} score matrix the gate computed; the
 * arithmetic on token rows happens in batched products ({@link ModuleRoute}).
 */
public final class Selection {
    private final int tokens;
    private final int experts;
    private final int k;
    private final int[] chosen;
    private final float[] weights;

    private Selection(int tokens, int experts, int k, int[] chosen, float[] weights) {
        this.tokens = tokens;
        this.experts = experts;
        this.k = k;
        this.chosen = chosen;
        this.weights = weights;
    }

    /**
     * The top k of each row of row-major {@code scores [tokens, experts]}, weighed by {@code weighting}.
     *
     * @throws LoraException when a score is NaN (the activations or the gate hold non-finite values)
     */
    static Selection top(float[] scores, int tokens, int experts, int k, Weighting weighting) {
        if (k < 1 || k > experts) {
            throw new IllegalArgumentException("top-k must be in [1, " + experts + "], got " + k);
        }
        int[] chosen = new int[tokens * k];
        float[] weights = new float[tokens * k];
        long[] keys = new long[experts];
        float[] picked = new float[k];
        float[] w = new float[k];
        for (int t = 0; t < tokens; t++) {
            int base = t * experts;
            for (int e = 0; e < experts; e++) {
                float s = scores[base + e];
                if (Float.isNaN(s)) {
                    throw new LoraException("the gate scored token " + t + " NaN for expert " + e
                            + " (non-finite activations or gate parameters?)");
                }
                keys[e] = ((long) descending(s) << 32) | e;
            }
            Arrays.sort(keys);
            for (int i = 0; i < k; i++) {
                int e = (int) keys[i];
                chosen[t * k + i] = e;
                picked[i] = scores[base + e];
            }
            weighting.weigh(picked, k, w);
            System.arraycopy(w, 0, weights, t * k, k);
        }
        return new Selection(tokens, experts, k, chosen, weights);
    }

    /** An int that orders floats descending as signed ints ascend (−0 and +0 tie). */
    private static int descending(float s) {
        int bits = Float.floatToIntBits(s == 0f ? 0f : s);
        int ascending = bits >= 0 ? bits : bits ^ 0x7fffffff; // monotone in s as a signed int
        return ~ascending;
    }

    /** Number of tokens. */
    public int tokens() {
        return tokens;
    }

    /** Number of experts to choose from. */
    public int experts() {
        return experts;
    }

    /** Experts per token. */
    public int k() {
        return k;
    }

    /** Token t's i-th expert (by descending score). */
    public int expert(int token, int i) {
        return chosen[token * k + i];
    }

    /** Token t's weight for its i-th expert. */
    public float weight(int token, int i) {
        return weights[token * k + i];
    }

    /** All choices, row-major [tokens, k] (a copy). */
    public int[] chosenExperts() {
        return chosen.clone();
    }

    /** All weights, row-major [tokens, k] (a copy). */
    public float[] chosenWeights() {
        return weights.clone();
    }

    /** Tokens per expert. */
    public long[] load() {
        long[] load = new long[experts];
        for (int e : chosen) {
            load[e]++;
        }
        return load;
    }

    /**
     * The (token, expert) pairs grouped by expert (a counting sort): expert e's pairs are
     * {@code [starts[e], starts[e+1])}, its tokens in ascending order in {@code tokens} and each token's weight times
     * {@code scales[e]} in {@code factors}.
     */
    Groups groups(double[] scales) {
        int[] starts = new int[experts + 1];
        for (int e : chosen) {
            starts[e + 1]++;
        }
        for (int e = 0; e < experts; e++) {
            starts[e + 1] += starts[e];
        }
        int[] fill = Arrays.copyOf(starts, experts);
        int[] toks = new int[chosen.length];
        float[] factors = new float[chosen.length];
        for (int p = 0; p < chosen.length; p++) {
            int e = chosen[p];
            toks[fill[e]] = p / k;
            factors[fill[e]] = (float) (weights[p] * scales[e]);
            fill[e]++;
        }
        return new Groups(starts, toks, factors);
    }

    /** Per expert, each token's weight times the expert's scale, zero where not selected [experts][tokens]. */
    float[][] factorsByExpert(double[] scales) {
        float[][] f = new float[experts][tokens];
        for (int p = 0; p < chosen.length; p++) {
            int e = chosen[p];
            f[e][p / k] = (float) (weights[p] * scales[e]);
        }
        return f;
    }

    /**
     * The row-major mask [tokens, Σr] of the masked execution: for each selected expert e of token t, its
     * columns {@code [offsets[e], offsets[e+1])} hold weight × scale; everything else is zero.
     */
    float[] mask(int[] offsets, double[] scales) {
        int width = offsets[experts];
        float[] m = new float[tokens * width];
        for (int p = 0; p < chosen.length; p++) {
            int e = chosen[p];
            float f = (float) (weights[p] * scales[e]);
            int row = (p / k) * width;
            Arrays.fill(m, row + offsets[e], row + offsets[e + 1], f);
        }
        return m;
    }

    /** Pairs grouped by expert: expert e owns {@code [starts[e], starts[e+1])} of {@code tokens} and {@code factors}. */
    record Groups(int[] starts, int[] tokens, float[] factors) {
        int size(int expert) {
            return starts[expert + 1] - starts[expert];
        }

        int[] tokensOf(int expert) {
            return Arrays.copyOfRange(tokens, starts[expert], starts[expert + 1]);
        }
    }

    @Override
    public String toString() {
        return "Selection[" + tokens + " tokens, top-" + k + " of " + experts + "]";
    }
}
