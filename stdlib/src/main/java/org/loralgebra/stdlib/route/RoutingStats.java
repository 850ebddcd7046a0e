package org.loralgebra.stdlib.route;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * How a batch spread over the experts. With {@code T} tokens, {@code k} experts each, {@code E} experts,
 * {@code n_e} the tokens that chose expert e, {@code f_e = n_e / (T·k)} its share of the assignments, and
 * {@code p_e = (1/T)·Σ_t w̃_{t,e}} its mean normalized gate weight ({@code w̃} a token's weights scaled to sum 1,
 * zero for experts it did not choose):
 * <ul>
 *   <li>{@link #load()}: {@code n_e};</li>
 *   <li>{@link #entropy()}: {@code H = −Σ f_e ln f_e} in nats, and {@link #normalizedEntropy()} {@code H / ln E}
 *       (1 when the load is uniform, 0 when one expert takes every assignment);</li>
 *   <li>{@link #balance()}: the Switch Transformer load-balancing figure {@code E·Σ_e f_e·p_e} (Fedus et al. 2021,
 *       the auxiliary loss without its coefficient): 1 when balanced, up to E when one expert takes all;</li>
 *   <li>{@link #maxOverMean()}: {@code max_e n_e / mean_e n_e}, the busiest expert's load against a fair share
 *       (the capacity factor a dispatcher would need to drop no token);</li>
 *   <li>{@link #meanTokenEntropy()}: the mean over tokens of {@code −Σ w̃ ln w̃}, how evenly each token spreads its
 *       weight over its own k experts (0 for k = 1, ln k for equal weights).</li>
 * </ul>
 */
public final class RoutingStats {
    private final List<String> labels;
    private final int tokens;
    private final int k;
    private final long[] load;
    private final double balance;
    private final double meanTokenEntropy;

    private RoutingStats(List<String> labels, int tokens, int k, long[] load, double balance, double meanTokenEntropy) {
        this.labels = List.copyOf(labels);
        this.tokens = tokens;
        this.k = k;
        this.load = load;
        this.balance = balance;
        this.meanTokenEntropy = meanTokenEntropy;
    }

    /** The statistics of a selection over experts named {@code labels}. */
    static RoutingStats of(Selection s, List<String> labels) {
        int experts = s.experts();
        long[] load = s.load();
        double[] meanWeight = new double[experts];
        double tokenEntropy = 0;
        for (int t = 0; t < s.tokens(); t++) {
            double sum = 0;
            for (int i = 0; i < s.k(); i++) {
                sum += s.weight(t, i);
            }
            for (int i = 0; i < s.k(); i++) {
                double w = sum > 0 ? s.weight(t, i) / sum : 1.0 / s.k();
                meanWeight[s.expert(t, i)] += w;
                if (w > 0) {
                    tokenEntropy -= w * Math.log(w);
                }
            }
        }
        double assignments = (double) s.tokens() * s.k();
        double balance = 0;
        for (int e = 0; e < experts; e++) {
            balance += (load[e] / assignments) * (meanWeight[e] / s.tokens());
        }
        return new RoutingStats(labels, s.tokens(), s.k(), load, experts * balance, tokenEntropy / s.tokens());
    }

    /** Expert names, in expert order. */
    public List<String> labels() {
        return labels;
    }

    /** Tokens routed. */
    public int tokens() {
        return tokens;
    }

    /** Experts per token. */
    public int k() {
        return k;
    }

    /** Tokens per expert, {@code n_e} (they sum to tokens·k). */
    public long[] load() {
        return load.clone();
    }

    /** Each expert's share of the assignments, {@code f_e = n_e / (T·k)}. */
    public double[] fractions() {
        double[] f = new double[load.length];
        for (int e = 0; e < f.length; e++) {
            f[e] = load[e] / ((double) tokens * k);
        }
        return f;
    }

    /** Entropy of the load distribution in nats, {@code −Σ f_e ln f_e}. */
    public double entropy() {
        double h = 0;
        for (double f : fractions()) {
            if (f > 0) {
                h -= f * Math.log(f);
            }
        }
        return h;
    }

    /** {@link #entropy()} over its maximum ln E, in [0, 1] (1 for a single expert). */
    public double normalizedEntropy() {
        return load.length == 1 ? 1.0 : entropy() / Math.log(load.length);
    }

    /** The Switch Transformer figure {@code E·Σ f_e·p_e}: 1 balanced, E collapsed onto one expert. */
    public double balance() {
        return balance;
    }

    /** The busiest expert's load over the mean load. */
    public double maxOverMean() {
        long max = 0;
        for (long n : load) {
            max = Math.max(max, n);
        }
        return max / ((double) tokens * k / load.length);
    }

    /** Mean over tokens of the entropy of its normalized weights, in nats. */
    public double meanTokenEntropy() {
        return meanTokenEntropy;
    }

    /** The statistics as JSON: {@code {"tokens", "k", "experts": [{"label", "load", "fraction"}], ...}}. */
    public String toJson() {
        return ReportJson.text(toJsonNode());
    }

    ObjectNode toJsonNode() {
        ObjectNode o = ReportJson.object();
        o.put("tokens", tokens);
        o.put("k", k);
        ArrayNode experts = o.putArray("experts");
        double[] f = fractions();
        for (int e = 0; e < load.length; e++) {
            ObjectNode x = experts.addObject();
            x.put("label", labels.get(e));
            x.put("load", load[e]);
            ReportJson.put(x, "fraction", f[e]);
        }
        ReportJson.put(o, "entropy", entropy());
        ReportJson.put(o, "normalized_entropy", normalizedEntropy());
        ReportJson.put(o, "balance", balance);
        ReportJson.put(o, "max_over_mean", maxOverMean());
        ReportJson.put(o, "mean_token_entropy", meanTokenEntropy);
        return o;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%d tokens, top-%d of %d: entropy %.3f (%.1f%% of max), "
                        + "balance %.3f (1 = even), max/mean load %.2f, mean token entropy %.3f%n",
                tokens,
                k,
                load.length,
                entropy(),
                100 * normalizedEntropy(),
                balance,
                maxOverMean(),
                meanTokenEntropy));
        int width = labels.stream().mapToInt(String::length).max().orElse(6);
        double[] f = fractions();
        for (int e = 0; e < load.length; e++) {
            sb.append(String.format(
                    Locale.ROOT, "  %-" + width + "s %8d  %5.1f%%%n", labels.get(e), load[e], 100 * f[e]));
        }
        return sb.toString();
    }
}
