package org.loralgebra.stdlib.orthogonalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

/**
 * Continual merging by orthogonal projection (OPCM; Tang et al. 2025, "Merging Models on the Fly Without
 * Retraining: A Sequential Approach to Scalable Continual Model Merging"; reference code: FusionBench
 * {@code method/opcm}). Adapters arrive one at a time and are folded into a merged adapter:
 * <pre>{@code
 * ContinualMerge m = ContinualMerge.start().fold(a).fold(b);   // later:
 * m = m.fold(c);
 * m.adapter().save("out/merged");
 * }</pre>
 * Step t (t ≥ 2) with the normalized merged-so-far update τ_p and the new update τ_t, per module:
 * {@code raw = λ_{t−1}·τ_p + τ̃_t} where τ̃_t is τ_t with the part along τ_p's dominant singular directions
 * removed ({@link OrthogonalFold}); then, over the whole adapter, {@code λ_t = ‖raw‖ / mean(‖τ_1‖, …, ‖τ_t‖)}
 * and the new merged update is {@code raw / λ_t}, whose norm is the mean task norm (the paper's adaptive
 * scaling; norms are Frobenius over all modules together, as in the reference). τ_1 is the first adapter as
 * it is, with λ_1 = 1.
 *
 * <p>Memory is constant in the number of adapters: a fold reads the new adapter module by module and keeps
 * only the merged state (in memory, F32), whose rank per module is at most min(Σ rᵢ, out, in) (exact), or
 * {@link #maxRank} when set (then each fold truncates the state to that rank: Eckart–Young, no longer exact).
 * Each fold runs at once (eagerly): the global rescaling needs the norm of the whole step before the next.
 * Immutable: {@code fold} returns a new state and leaves this one valid.
 */
public final class ContinualMerge {
    /** The reference's α: directions holding the first half of τ_p's singular-value mass are protected. */
    public static final double DEFAULT_ALPHA = 0.5;

    /** One folded adapter: its norm, the mean norm so far, and λ_t. */
    public record Step(String task, double taskNorm, double averageNorm, double lambda) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT, "%s: ‖τ‖ = %.6g, mean ‖τ‖ = %.6g, λ = %.6g", task, taskNorm, averageNorm, lambda);
        }
    }

    private final double alpha;
    private final int maxRank;
    private final Adapter merged;
    private final double lambda;
    private final double normSum;
    private final List<Step> steps;

    private ContinualMerge(double alpha, int maxRank, Adapter merged, double lambda, double normSum, List<Step> steps) {
        this.alpha = alpha;
        this.maxRank = maxRank;
        this.merged = merged;
        this.lambda = lambda;
        this.normSum = normSum;
        this.steps = List.copyOf(steps);
    }

    /** An empty merge with α = 0.5 and no rank cap. */
    public static ContinualMerge start() {
        return new ContinualMerge(DEFAULT_ALPHA, 0, null, 1.0, 0.0, List.of());
    }

    /** Folds the adapters in order, from an empty merge with default settings, and returns the result. */
    public static Adapter merge(List<Adapter> adapters) {
        ContinualMerge m = start();
        for (Adapter a : adapters) {
            m = m.fold(a);
        }
        return m.adapter();
    }

    /** The same state, with α for later folds (in [0, 1)). */
    public ContinualMerge alpha(double newAlpha) {
        if (!(newAlpha >= 0 && newAlpha < 1)) {
            throw new LoraException("continual merge: alpha must be in [0, 1), got " + newAlpha);
        }
        return new ContinualMerge(newAlpha, maxRank, merged, lambda, normSum, steps);
    }

    /** The same state, with the merged rank capped at {@code k} in later folds (0: no cap, exact). */
    public ContinualMerge maxRank(int k) {
        if (k < 0) {
            throw new LoraException("continual merge: max rank must be ≥ 0 (0: no cap), got " + k);
        }
        return new ContinualMerge(alpha, k, merged, lambda, normSum, steps);
    }

    /** Folds one more adapter in (runs now). */
    public ContinualMerge fold(Adapter task) {
        double taskNorm = norm(task);
        if (!(taskNorm > 0)) {
            throw new LoraException("continual merge: '" + task.label()
                    + "' is a zero update; its norm would enter the " + "mean norm of the tasks and shrink the merge");
        }
        List<Step> next = new ArrayList<>(steps);
        if (merged == null) {
            next.add(new Step(task.label(), taskNorm, taskNorm, 1.0));
            return new ContinualMerge(alpha, maxRank, task, 1.0, taskNorm, next);
        }
        double average = (normSum + taskNorm) / (steps.size() + 1);
        Adapter raw = Adapter.of(
                        ModuleMap.of(List.of(merged.node(), task.node()), new OrthogonalFold(alpha, lambda, maxRank)))
                .eval();
        double rawNorm = norm(raw);
        double newLambda = rawNorm / average;
        String label = "opcm(" + String.join(", ", next.stream().map(Step::task).toList()) + ", " + task.label() + ")";
        Adapter state = relabel(raw.times(1.0 / newLambda).eval(), label);
        next.add(new Step(task.label(), taskNorm, average, newLambda));
        return new ContinualMerge(alpha, maxRank, state, newLambda, normSum + taskNorm, next);
    }

    /** The merged adapter so far. */
    public Adapter adapter() {
        if (merged == null) {
            throw new LoraException("continual merge: nothing folded yet");
        }
        return merged;
    }

    /** λ_t of the last fold (1 after the first). */
    public double lambda() {
        return lambda;
    }

    /** How many adapters have been folded. */
    public int count() {
        return steps.size();
    }

    /** α used by later folds. */
    public double alpha() {
        return alpha;
    }

    /** The rank cap of later folds (0: none). */
    public int maxRank() {
        return maxRank;
    }

    /** One entry per folded adapter, in order. */
    public List<Step> steps() {
        return steps;
    }

    /** The Frobenius norm of the whole update, √(Σ over modules of Σσ²), from the factored spectrum. */
    static double norm(Adapter a) {
        double sq = 0;
        for (double[] s : a.spectrum().values().values()) {
            for (double v : s) {
                sq += v * v;
            }
        }
        return Math.sqrt(sq);
    }

    private static Adapter relabel(Adapter evaluated, String label) {
        AdapterSource src = evaluated.source().orElseThrow();
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        for (String m : evaluated.modules()) {
            modules.put(m, src.read(m));
        }
        return Lora.from(new InMemoryAdapter(label, evaluated.type().baseModel().orElse(null), src.meta(), modules));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Continual merge (OPCM, α = %s%s), %d adapter(s)%n",
                alpha,
                maxRank > 0 ? ", max rank " + maxRank : "",
                steps.size()));
        steps.forEach(s -> sb.append("  ").append(s).append('\n'));
        return sb.toString();
    }
}
