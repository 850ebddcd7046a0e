package org.loralgebra.stdlib.route;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a token's selected experts are weighed, given their gate scores {@code ℓ_i, i ∈ I} (the top k).
 * Selection is always by the highest score; the weighting only decides the factors.
 */
public enum Weighting {
    /**
     * {@code g_i = exp ℓ_i / Σ_{j∈I} exp ℓ_j}: softmax over the selected logits, summing to 1 (Mixtral's top-k
     * router; X-LoRA and MoLE-style mixtures of adapters).
     */
    SOFTMAX,
    /**
     * {@code g_i = k·σ(ℓ_i) / Σ_{j∈I} σ(ℓ_j)}: SMoRA's sigmoid gate renormalized to sum k (Zhao et al. 2025,
     * "Each Rank Could be an Expert", eq. for ĝ), so that uniform scores pass every selected rank with weight 1.
     */
    SIGMOID,
    /**
     * {@code g_i = 1}: the selected experts pass unweighted and the rest are masked (FlyLoRA's implicit router,
     * Zou et al. 2025; hard prototype routing). With k = all experts the mixture is the plain sum.
     */
    ONES;

    /**
     * Fills {@code out[0..k)} with the weights of selected scores {@code scores[0..k)}.
     */
    void weigh(float[] scores, int k, float[] out) {
        switch (this) {
            case SOFTMAX -> {
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < k; i++) {
                    max = Math.max(max, scores[i]);
                }
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    double e = Math.exp((double) scores[i] - max);
                    out[i] = (float) e;
                    sum += e;
                }
                for (int i = 0; i < k; i++) {
                    out[i] = (float) (out[i] / sum);
                }
            }
            case SIGMOID -> {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    double s = 1.0 / (1.0 + Math.exp(-(double) scores[i]));
                    out[i] = (float) s;
                    sum += s;
                }
                for (int i = 0; i < k; i++) {
                    out[i] = (float) (k * out[i] / sum);
                }
            }
            case ONES -> Arrays.fill(out, 0, k, 1f);
            default -> throw new IllegalStateException(name());
        }
    }

    /** The name as the CLI spells it ({@code softmax}, {@code sigmoid}, {@code ones}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code softmax|sigmoid|ones}, case-insensitively. */
    public static Weighting parse(String name) {
        for (Weighting w : values()) {
            if (w.name().equalsIgnoreCase(name.trim())) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown weighting '" + name + "': expected softmax, sigmoid or ones");
    }
}
