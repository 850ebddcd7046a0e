package org.loralgebra.stdlib.unlearn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.loralgebra.Adapter;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.orthogonalize.Orthogonalize;

/**
 * Targeted unlearning in weight space, after MAAT (Multi-phase Adapter-Aware Targeted Unlearning): the
 * weight-space phases as one recipe,
 * <pre>{@code
 * Adapter update = Unlearn.of(imdb).retain(emotion).lambda(1.0).protectRank(8).pruneRank(4).adapter();
 * }</pre>
 * and as separate steps ({@link #prune}, {@link #protect}, {@link #negate}). The unlearning update is
 * <pre>    −λ · (I − Q·Qᵀ) · prune(ΔW_forget)</pre>
 * per module, where {@code prune} keeps {@code pruneRank} singular directions of the forget update chosen by
 * {@link Pruning} (rank-dimension pruning: by energy, or by least overlap with the retain subspace; all of
 * them by default), and Q is an orthonormal basis of the retain adapter's top-{@code protectRank} output
 * subspace (retain protection: what must be kept is not erased; the weight-space form of MAAT's projection of
 * the forget gradient off the retain gradient). {@link #apply} adds it to the {@link #onto} adapter (the
 * model's adapter) when one is given; otherwise it is the update itself. To bake the update into a base model's
 * weights instead, hand {@link #update} to {@code org.loralgebra.stdlib.bake.Bake.of(baseModelDir, update)}.
 *
 * <p>What is not done: MAAT's gradient-projected ascent on the forget set (phase 1), its gradient-scored rank
 * pruning and its retain repair with KL and hidden-state losses (phase 3) need the model and data; none is run
 * here. The extension point for gradient-based scores is {@link Pruning}; the update this class builds is a
 * starting point for a repair run.
 *
 * <p>Defaults: λ = 1, protect rank: all of the retain update, prune rank: all of the forget update, pruning by
 * energy. Immutable: every setter returns a new value. Lazy: {@link #update} and {@link #apply} are adapter
 * expressions; {@link #report} runs them.
 */
public final class Unlearn {
    /** Every direction. */
    public static final int ALL = Integer.MAX_VALUE;

    private final Adapter forget;
    private final Adapter retain;
    private final double lambda;
    private final int protectRank;
    private final int pruneRank;
    private final Pruning pruning;
    private final Adapter onto;

    private Unlearn(
            Adapter forget,
            Adapter retain,
            double lambda,
            int protectRank,
            int pruneRank,
            Pruning pruning,
            Adapter onto) {
        this.forget = forget;
        this.retain = retain;
        this.lambda = lambda;
        this.protectRank = protectRank;
        this.pruneRank = pruneRank;
        this.pruning = pruning;
        this.onto = onto;
    }

    /** Unlearning the task of this adapter. */
    public static Unlearn of(Adapter forget) {
        Objects.requireNonNull(forget, "unlearn: the forget adapter is required");
        return new Unlearn(forget, null, 1.0, ALL, ALL, Pruning.energy(), null);
    }

    /** The same, protecting this adapter's subspace. */
    public Unlearn retain(Adapter newRetain) {
        return new Unlearn(
                forget,
                Objects.requireNonNull(newRetain, "unlearn: retain adapter"),
                lambda,
                protectRank,
                pruneRank,
                pruning,
                onto);
    }

    /** The same with strength λ > 0 (the update is −λ·…). */
    public Unlearn lambda(double newLambda) {
        if (!(newLambda > 0) || !Double.isFinite(newLambda)) {
            throw new LoraException("unlearn: lambda must be positive and finite, got " + newLambda);
        }
        return new Unlearn(forget, retain, newLambda, protectRank, pruneRank, pruning, onto);
    }

    /** The same protecting the retain adapter's top-{@code k} output subspace (0: no protection; {@link #ALL}: all of it). */
    public Unlearn protectRank(int k) {
        if (k < 0) {
            throw new LoraException("unlearn: protect rank must be ≥ 0 (0: no protection), got " + k);
        }
        return new Unlearn(forget, retain, lambda, k, pruneRank, pruning, onto);
    }

    /** The same negating only {@code p} singular directions of the forget update ({@link #ALL}: every one). */
    public Unlearn pruneRank(int p) {
        if (p < 1) {
            throw new LoraException("unlearn: prune rank must be ≥ 1, got " + p);
        }
        return new Unlearn(forget, retain, lambda, protectRank, p, pruning, onto);
    }

    /** The same choosing the pruned directions this way. */
    public Unlearn pruning(Pruning newPruning) {
        return new Unlearn(
                forget,
                retain,
                lambda,
                protectRank,
                pruneRank,
                Objects.requireNonNull(newPruning, "unlearn: pruning"),
                onto);
    }

    /** The same adding the update to this adapter in {@link #apply}. */
    public Unlearn onto(Adapter adapter) {
        return new Unlearn(
                forget,
                retain,
                lambda,
                protectRank,
                pruneRank,
                pruning,
                Objects.requireNonNull(adapter, "unlearn: onto"));
    }

    /** The forget adapter. */
    public Adapter forgetAdapter() {
        return forget;
    }

    /** The retain adapter, if any. */
    public Optional<Adapter> retainAdapter() {
        return Optional.ofNullable(retain);
    }

    /** The adapter the update is added to, if any. */
    public Optional<Adapter> ontoAdapter() {
        return Optional.ofNullable(onto);
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** The retain rank protected (0: none, {@link #ALL}: all). */
    public int protectRank() {
        return protectRank;
    }

    /** The number of forget directions negated ({@link #ALL}: all). */
    public int pruneRank() {
        return pruneRank;
    }

    /** How pruned directions are chosen. */
    public Pruning pruning() {
        return pruning;
    }

    // ---- steps -----------------------------------------------------------------------------------------------

    /**
     * Rank-dimension pruning: the {@code rank} singular directions of {@code forget} that {@code pruning} scores
     * highest (looking at {@code retain}'s top-{@code retainRank} output subspace when {@code retain} is given).
     */
    public static Adapter prune(Adapter forget, Optional<Adapter> retain, int rank, Pruning pruning, int retainRank) {
        List<Node> inputs = new ArrayList<>();
        inputs.add(forget.node());
        retain.ifPresent(r -> inputs.add(r.node()));
        return Adapter.of(ModuleMap.of(inputs, new PruneDirections(rank, pruning, retainRank)));
    }

    /** Retain protection: {@code update} with the retain adapter's top-{@code k} output subspace removed. */
    public static Adapter protect(Adapter update, Adapter retain, int k) {
        return Orthogonalize.of(update)
                .against(retain)
                .side(Side.OUTPUT)
                .rank(k)
                .adapter();
    }

    /** Task-vector negation: {@code −λ·update}. */
    public static Adapter negate(Adapter update, double lambda) {
        return update.times(-lambda);
    }

    // ---- recipe ----------------------------------------------------------------------------------------------

    /** The forget update after pruning (before protection and negation). */
    public Adapter pruned() {
        if (pruneRank == ALL) {
            return forget;
        }
        return prune(forget, Optional.ofNullable(retain), pruneRank, pruning, retainRankForMeasures());
    }

    /** The pruned forget update with the retain subspace removed (before negation). */
    public Adapter protectedForget() {
        Adapter p = pruned();
        return retain == null || protectRank == 0 ? p : protect(p, retain, protectRank);
    }

    /** The unlearning update {@code −λ·(I − QQᵀ)·prune(ΔW_forget)}. */
    public Adapter update() {
        return negate(protectedForget(), lambda);
    }

    /** The result: {@code onto + update} when an adapter to apply it to was given ({@link #onto}); the update otherwise. */
    public Adapter adapter() {
        return onto == null ? update() : onto.plus(update());
    }

    /** Runs the recipe and measures it per module: energy removed, overlap with the retain subspace before and after. */
    public UnlearnReport report() {
        return UnlearnReport.of(this);
    }

    /** The retain rank that pruning and measurements look at: the protected rank, or all of it without protection. */
    int retainRankForMeasures() {
        return protectRank == 0 ? ALL : protectRank;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "unlearn %s%s, λ = %s, protect rank %s, prune rank %s by %s%s",
                forget.label(),
                retain == null ? "" : " protecting " + retain.label(),
                lambda,
                rankText(protectRank),
                rankText(pruneRank),
                pruning.describe(),
                onto == null ? "" : ", onto " + onto.label());
    }

    static String rankText(int k) {
        return k == ALL ? "all" : String.valueOf(k);
    }
}
