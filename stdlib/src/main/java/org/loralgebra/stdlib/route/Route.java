package org.loralgebra.stdlib.route;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;

/**
 * A mixture of LoRA experts applied to activations: per token, a gate picks k experts and the module's output
 * is their weighted update,
 * <pre>  y = Σ_{i ∈ topk(g(x))} g_i(x) · s_i · B_i (A_i x)</pre>
 * with {@code s_i} each expert's scale.
 * <ul>
 *   <li>{@link #adapters}: each adapter is an expert — a mixture of frozen adapters as X-LoRA, MeteoRA or
 *       LoRA-Mixer build it.</li>
 *   <li>{@link #ranks}: each rank of one adapter is an expert, {@code y = s·Σ_{j ∈ topk} g_j(x)·b_j (a_jᵀ x)} —
 *       SMoRA (Zhao et al. 2025) and FlyLoRA (Zou et al. 2025).</li>
 * </ul>
 * Immutable: each setter returns a new route.
 *
 * <pre>{@code
 * Route mix = Route.of(imdb, emotion).gate(Gate.prototypes(centroids)).topK(1);
 * Routing y = mix.apply("distilbert.transformer.layer.0.attention.q_lin", Activations.read(path));
 * System.out.println(y.stats());
 * }</pre>
 *
 * <p>Defaults: the gate is {@link Gate#fly()} (training-free, no parameters); the weighting is the gate's
 * ({@link Gate#defaultWeighting}); execution is {@link Execution#AUTO} (masked products unless there are very many
 * experts per selected one; {@link Execution#GROUPED} on request). {@code topK} has no default.
 */
public final class Route {
    private final List<Adapter> adapters;
    private final boolean rankExperts;
    private final Gate gate;
    private final int k;
    private final Weighting weighting;
    private final Execution execution;

    private Route(
            List<Adapter> adapters, boolean rankExperts, Gate gate, int k, Weighting weighting, Execution execution) {
        this.adapters = List.copyOf(adapters);
        this.rankExperts = rankExperts;
        this.gate = gate;
        this.k = k;
        this.weighting = weighting;
        this.execution = execution;
    }

    /** A mixture with each adapter an expert. */
    public static Route of(Adapter... experts) {
        return of(List.of(experts));
    }

    /**
     * A mixture with each adapter an expert. Experts of different base models, or with a module of two shapes, are
     * refused here, as every combination of adapters is ({@link AdapterType#union}).
     */
    public static Route of(List<Adapter> experts) {
        if (experts.isEmpty()) {
            throw new LoraException("route: give at least one adapter");
        }
        AdapterType.union(
                experts.stream()
                        .map(e -> new AdapterType.Operand(e.label(), e.type()))
                        .toList(),
                specs -> specs.get(0).rank());
        return new Route(experts, false, Gate.fly(), 0, null, null);
    }

    /** A mixture with each rank of {@code adapter} an expert (SMoRA, FlyLoRA). */
    public static Route ofRanks(Adapter adapter) {
        return new Route(List.of(adapter), true, Gate.fly(), 0, null, null);
    }

    /** The same route with another gate. */
    public Route gate(Gate g) {
        return new Route(adapters, rankExperts, Objects.requireNonNull(g, "gate"), k, weighting, execution);
    }

    /** The same route keeping each token's k best experts. */
    public Route topK(int topK) {
        if (topK < 1) {
            throw new LoraException("topK must be at least 1, got " + topK);
        }
        return new Route(adapters, rankExperts, gate, topK, weighting, execution);
    }

    /** The same route weighing selected experts as given (instead of the gate's default). */
    public Route weighting(Weighting w) {
        return new Route(adapters, rankExperts, gate, k, Objects.requireNonNull(w, "weighting"), execution);
    }

    /** The same route computed as given (instead of the default for its kind of experts). */
    public Route execution(Execution how) {
        return new Route(adapters, rankExperts, gate, k, weighting, Objects.requireNonNull(how, "execution"));
    }

    /** The adapters (one for a rank route). */
    public List<Adapter> adapters() {
        return adapters;
    }

    /** Whether the experts are the ranks of one adapter. */
    public boolean rankExperts() {
        return rankExperts;
    }

    /** The gate. */
    public Gate gate() {
        return gate;
    }

    /** k, if set. */
    public Optional<Integer> topK() {
        return k == 0 ? Optional.empty() : Optional.of(k);
    }

    /** The weighting in force: the one set, or the gate's default for this kind of experts. */
    public Weighting weighting() {
        return weighting != null ? weighting : gate.defaultWeighting(rankExperts);
    }

    /** The execution in force. */
    public Execution execution() {
        return execution != null ? execution : Execution.AUTO;
    }

    /**
     * Reads the experts' factors for {@code module} and readies the gate (everything {@link ModuleRoute#apply}
     * reuses across batches).
     *
     * @throws LoraException when k is unset or too large, an expert (or a general adapter of Arrow's GenKnowSub)
     *                       lacks the module, shapes or (with GenKnowSub) ranks differ, or the gate does not fit
     *                       the module
     */
    public ModuleRoute prepare(String module) {
        if (k == 0) {
            throw new LoraException("route over " + describeExperts() + ": top-k is not set; call topK(k)");
        }
        var precision = Lora.options().precision();
        if (rankExperts && gate instanceof ArrowGate) {
            throw new LoraException("route over " + describeExperts() + ": the Arrow gate routes adapters by the "
                    + "spectra of their updates; give the adapters as experts (Route.of) instead of ranks");
        }
        List<Adapter> general = gate instanceof ArrowGate g ? g.general() : List.of();
        ExpertFactors experts = rankExperts
                ? ExpertFactors.ranks(adapters.get(0), module, precision)
                : ExpertFactors.adapters(adapters, general, module, precision);
        return new ModuleRoute(experts, rankExperts, gate, k, weighting(), execution(), precision);
    }

    /** {@code prepare(module).apply(x)}. */
    public Routing apply(String module, Activations x) {
        return prepare(module).apply(x);
    }

    private String describeExperts() {
        if (rankExperts) {
            return "the ranks of '" + adapters.get(0).label() + "'";
        }
        return adapters.size() + " adapters";
    }

    @Override
    public String toString() {
        return "Route[" + describeExperts() + ", " + gate.describe() + ", top-" + (k == 0 ? "?" : k) + ", "
                + weighting().cliName() + ", " + execution().name().toLowerCase(Locale.ROOT) + "]";
    }
}
