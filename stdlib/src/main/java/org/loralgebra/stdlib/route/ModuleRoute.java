package org.loralgebra.stdlib.route;

import java.util.List;
import java.util.Locale;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A {@link Route} made ready for one module: the experts' factors and the gate's parameters are on the
 * backend, so {@link #apply} does only the per-batch work (gate scores, top-k, the mixture). Immutable and
 * safe to share between threads; this is what a benchmark times:
 *
 * <pre>{@code
 * ModuleRoute q = Route.of(experts).gate(Gate.linear(router)).topK(2).prepare("layers.0.q_proj"); // reads
 * Activations x = Activations.gaussian(4096, q.in(), 7);
 * Routing y = q.apply(x);                                                                             // timed
 * }</pre>
 */
public final class ModuleRoute {
    private final ExpertFactors experts;
    private final boolean rankExperts;
    private final Gate gate;
    private final GateScores scores;
    private final int k;
    private final Weighting weighting;
    private final Execution execution;
    private final Precision precision;

    ModuleRoute(
            ExpertFactors experts,
            boolean rankExperts,
            Gate gate,
            int k,
            Weighting weighting,
            Execution execution,
            Precision precision) {
        if (k < 1 || k > experts.experts()) {
            throw new LoraException("top-k " + k + " for module '" + experts.module + "': expected 1 ≤ k ≤ "
                    + experts.experts() + " (the number of " + (rankExperts ? "ranks" : "experts") + ")");
        }
        this.experts = experts;
        this.rankExperts = rankExperts;
        this.gate = gate;
        this.scores = GateScores.prepare(gate, experts, rankExperts, precision);
        this.k = k;
        this.weighting = weighting;
        this.execution = resolve(execution, experts, rankExperts, k);
        this.precision = precision;
    }

    /** The module. */
    public String module() {
        return experts.module;
    }

    /** Input features per token. */
    public int in() {
        return experts.in;
    }

    /** Output features per token. */
    public int out() {
        return experts.out;
    }

    /** Number of experts (adapters, or ranks for a rank route). */
    public int experts() {
        return experts.experts();
    }

    /** Expert names: adapter labels, or {@code rank j}. */
    public List<String> expertLabels() {
        return experts.labels;
    }

    /** Each expert's rank (1 for rank experts). */
    public int[] ranks() {
        int[] r = new int[experts.experts()];
        for (int e = 0; e < r.length; e++) {
            r[e] = experts.rank(e);
        }
        return r;
    }

    /** Each expert's scale {@code s_i}. */
    public double[] scales() {
        return experts.scales.clone();
    }

    /** Experts per token. */
    public int k() {
        return k;
    }

    /** How selected experts are weighed. */
    public Weighting weighting() {
        return weighting;
    }

    /** The gate. */
    public Gate gate() {
        return gate;
    }

    /**
     * Arrow's prototypes {@code [experts, in]} (F64), computed once when this route was prepared: row e is the top
     * right singular vector of expert e's {@code B·A} (after GenKnowSub, if any).
     *
     * @throws LoraException when the gate is not {@link ArrowGate}
     */
    public Tensor prototypes() {
        if (!(gate instanceof ArrowGate)) {
            throw new LoraException("module '" + experts.module
                    + "': prototypes belong to the Arrow gate, this route's " + "gate is " + gate.describe());
        }
        return experts.arrays.download(scores.rows(), DType.F64);
    }

    /** The execution {@link #apply(Activations)} uses ({@link Execution#AUTO} resolved for this module). */
    public Execution execution() {
        return execution;
    }

    /** Routes a batch with the default execution. */
    public Routing apply(Activations x) {
        return apply(x, execution);
    }

    /**
     * Routes a batch: {@code y_t = Σ_{i ∈ topk(g(x_t))} g_i(x_t)·s_i·B_i A_i x_t} for every token t.
     *
     * @throws LoraException when the batch's feature count is not the module's input size
     */
    public Routing apply(Activations x, Execution requested) {
        Execution how = resolve(requested, experts, rankExperts, k);
        if (x.in() != experts.in) {
            throw new LoraException(x.origin() + ": activations [" + x.tokens() + ", " + x.in()
                    + "] do not fit module '" + experts.module + "', which takes " + experts.in + " input features");
        }
        RouteArrays.Array xs = x.device(experts.arrays, precision);
        try (RouteArrays.Scratch scratch = experts.arrays.scratch()) { // scores, projections, masks: freed on return
            return route(x, xs, how, scratch);
        }
    }

    private Routing route(Activations x, RouteArrays.Array xs, Execution how, RouteArrays.Scratch scratch) {
        RouteArrays arrays = experts.arrays;
        boolean projections = how == Execution.MASKED || how == Execution.GROUPED && projectAll(experts, k);
        GateScores.Scored scored = scores.score(xs, experts, rankExperts, projections);
        Selection sel = Selection.top(arrays.floats(scored.scores()), x.tokens(), experts.experts(), k, weighting);
        RouteArrays.Array y = switch (how) {
            case GROUPED -> {
                yield arrays.grouped(
                        xs,
                        scored.projections(),
                        experts.a,
                        experts.bT,
                        experts.offsets,
                        sel.groups(experts.scales),
                        experts.out);
            }
            case MASKED ->
                arrays.masked(scored.projections(), sel.mask(experts.offsets, experts.scales), experts.bCatT);
            case AUTO -> throw new IllegalStateException("AUTO is resolved above");
            case DENSE -> arrays.dense(xs, experts.a, experts.bT, sel.factorsByExpert(experts.scales), experts.out);
        };
        return new Routing(experts.module, how, gate.describe(), sel, experts.labels, arrays, scratch.keep(y));
    }

    /** Copies the batch to where this route computes, now (the benchmark does it untimed); kept by the batch. */
    void upload(Activations x) {
        x.device(experts.arrays, precision);
    }

    /** What runs the products: {@code nd4j}, or {@code backend NAME} ({@link RouteArrays#describe}). */
    String arrays() {
        return experts.arrays.describe();
    }

    /** {@link Execution#AUTO} made concrete for these experts; other executions as given. */
    static Execution resolve(Execution how, ExpertFactors experts, boolean rankExperts, int k) {
        if (how != Execution.AUTO) {
            return how;
        }
        if (rankExperts) {
            return Execution.MASKED;
        }
        int sum = experts.offsets[experts.experts()];
        double meanRank = sum / (double) experts.experts();
        return sum <= 32 * k * meanRank ? Execution.MASKED : Execution.GROUPED;
    }

    /**
     * Whether the grouped execution should take every token through every A at once ({@code X·A_catᵀ}, Σr
     * multiply-adds per input feature and token) instead of gathering each expert's token rows (k row copies plus
     * k·r̄ multiply-adds). Measured with ND4J on CPU, copying a gathered row costs about as much per feature as
     * 64–100 multiply-adds in a GEMM, so the one product wins while {@code Σr ≤ k·(64 + 2·r̄)}: 8 experts of rank 16
     * with k = 2 project all at once, 32 experts gather.
     */
    static boolean projectAll(ExpertFactors experts, int k) {
        int sum = experts.offsets[experts.experts()];
        double meanRank = sum / (double) experts.experts();
        return sum <= k * (64 + 2 * meanRank);
    }

    @Override
    public String toString() {
        return "ModuleRoute['" + experts.module + "', " + experts.experts() + (rankExperts ? " ranks" : " experts")
                + ", top-" + k + ", " + gate.describe() + ", " + weighting.cliName() + ", "
                + execution.name().toLowerCase(Locale.ROOT) + "]";
    }
}
