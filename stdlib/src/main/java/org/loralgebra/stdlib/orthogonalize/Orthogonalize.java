package org.loralgebra.stdlib.orthogonalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.loralgebra.Adapter;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;

/**
 * Removes from an adapter's update the subspaces of other adapters, module by module:
 * <pre>{@code
 * Adapter clean = Orthogonalize.of(task).against(imdb, emotion).side(Side.OUTPUT).rank(4).adapter();
 * }</pre>
 * For each module, the top-{@code rank} singular subspace of each base's update is taken on the chosen side
 * (left singular vectors for {@link Side#OUTPUT}, right for {@link Side#INPUT}, both for {@link Side#BOTH}),
 * the subspaces are joined into one orthonormal basis Q of their sum, and the update becomes
 * {@code (I − QQᵀ)·ΔW} (OUTPUT), {@code ΔW·(I − PPᵀ)} (INPUT) or both. This is the weight-space form of keeping
 * task subspaces orthogonal (O-LoRA, Wang et al. 2023; "Sculpting Subspaces", Nayak et al. 2025).
 *
 * <p>Several bases: the joint basis is the mathematically right choice. Projecting off each base in turn,
 * {@code (I − U₂U₂ᵀ)(I − U₁U₁ᵀ)ΔW}, leaves a component in span(U₁) whenever U₁ and U₂ are not orthogonal;
 * projecting off the sum of the subspaces leaves none in any of them, does not depend on the order of the
 * bases, and equals the sequential projection with re-orthonormalized (Gram–Schmidt) bases. Directions shared
 * by several bases are counted once (rank-revealing: singular values of the concatenated bases below the
 * tolerance of {@link SubspaceBasis} are dropped).
 *
 * <p>Defaults: side OUTPUT (the column space: where the update writes, as in MAAT-style retain protection),
 * rank {@link #ALL} (every direction of each base's update). Lazy: the result is an adapter expression; modules
 * a base lacks are unchanged; only the adapter's modules are in the result. Immutable: {@link #against},
 * {@link #side} and {@link #rank} return new values.
 *
 * <pre>{@code Adapter clean = Orthogonalize.of(task).against(retain).side(Side.OUTPUT).rank(8).adapter();}</pre>
 */
public final class Orthogonalize {
    /** Every direction of each base's update. */
    public static final int ALL = Integer.MAX_VALUE;

    private final Adapter adapter;
    private final List<Adapter> bases;
    private final Side side;
    private final int rank;

    private Orthogonalize(Adapter adapter, List<Adapter> bases, Side side, int rank) {
        this.adapter = adapter;
        this.bases = List.copyOf(bases);
        this.side = side;
        this.rank = rank;
    }

    /** The orthogonalization of {@code adapter}; name what it is made orthogonal to with {@link #against}. */
    public static Orthogonalize of(Adapter adapter) {
        Objects.requireNonNull(adapter, "orthogonalize: the adapter is null");
        return new Orthogonalize(adapter, List.of(), Side.OUTPUT, ALL);
    }

    /** The same against these adapters' subspaces (at least one; required). */
    public Orthogonalize against(Adapter... others) {
        return against(List.of(others));
    }

    /** The same against these adapters' subspaces (at least one; required). */
    public Orthogonalize against(List<Adapter> others) {
        if (others.isEmpty()) {
            throw new LoraException("orthogonalize: give at least one adapter to orthogonalize against");
        }
        others.forEach(b -> Objects.requireNonNull(b, "orthogonalize: a base adapter is null"));
        return new Orthogonalize(adapter, others, side, rank);
    }

    /** The same with another side. */
    public Orthogonalize side(Side newSide) {
        if (newSide == null) {
            throw new LoraException("orthogonalize: side must be output, input or both, got null");
        }
        return new Orthogonalize(adapter, bases, newSide, rank);
    }

    /** The same removing each base's top-{@code k} subspace ({@link #ALL}: all of it); k ≥ 1. */
    public Orthogonalize rank(int k) {
        if (k < 1) {
            throw new LoraException("orthogonalize: rank must be ≥ 1, got " + k);
        }
        return new Orthogonalize(adapter, bases, side, k);
    }

    /** The adapter whose update is made orthogonal. */
    public Adapter input() {
        return adapter;
    }

    /** The adapters whose subspaces are removed. */
    public List<Adapter> bases() {
        return bases;
    }

    /** The side acted on. */
    public Side side() {
        return side;
    }

    /** How many top singular directions of each base are removed ({@link #ALL}: all). */
    public int rank() {
        return rank;
    }

    /**
     * The adapter's update with the bases' subspaces removed (lazy).
     *
     * @throws LoraException when {@link #against} was not given
     */
    public Adapter adapter() {
        requireBases();
        List<Node> inputs = new ArrayList<>();
        inputs.add(adapter.node());
        bases.forEach(b -> inputs.add(b.node()));
        return Adapter.of(ModuleMap.of(inputs, new JointProjection(side, rank)));
    }

    /** Computes {@link #adapter()} and measures, per base and module, how much of the update was in its subspace before and after. */
    public OrthogonalizeReport report() {
        return report(adapter());
    }

    /**
     * The same measurements of a result given here (such as {@link #adapter()} saved and read back), against this
     * orthogonalization's bases, side and rank.
     */
    public OrthogonalizeReport report(Adapter result) {
        requireBases();
        return OrthogonalizeReport.of(this, adapter, result);
    }

    private void requireBases() {
        if (bases.isEmpty()) {
            throw new LoraException("orthogonalize: name the adapters to orthogonalize '" + adapter.label()
                    + "' against: .against(OTHER, …)");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("orthogonalize ").append(adapter.label()).append(" against ");
        for (int i = 0; i < bases.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(bases.get(i).label());
        }
        return sb.append(" (")
                .append(side.name().toLowerCase(Locale.ROOT))
                .append(" side, rank ")
                .append(SubspaceComparison.rankText(rank))
                .append(')')
                .toString();
    }
}
