package org.loralgebra.graph;

import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Split;
import org.loralgebra.model.AdapterType;

/**
 * The best rank-k approximation of each module (Eckart–Young), from its SVD: the top k singular triplets,
 * written back as factors split as {@link Split} says. The input is an SVD-producing node.
 */
public record Truncate(Node decomposition, Rank rank, Split split) implements UnaryNode {
    public Truncate {
        if (decomposition.output() != Output.SVD) {
            throw new IllegalArgumentException("truncate reads a decomposition, got " + decomposition.describe());
        }
        if (decomposition instanceof Decompose d && !d.vectors()) {
            throw new IllegalArgumentException("truncate needs singular vectors, got " + decomposition.describe());
        }
    }

    /** Truncates an adapter-valued node (adds the decomposition). */
    public static Truncate of(Node adapter, Rank rank, Split split) {
        DoraGuard.check("truncate", adapter);
        return new Truncate(new Decompose(adapter), rank, split);
    }

    @Override
    public AdapterType type() {
        return decomposition.type().mapModules(m -> m.withRank(rank.upperBound(m.name(), m.rank())));
    }

    /** The decomposition it truncates (its input). */
    @Override
    public Node input() {
        return decomposition;
    }

    @Override
    public Node withInput(Node input) {
        return new Truncate(input, rank, split);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitTruncate(this);
    }

    @Override
    public String describe() {
        return "Truncate rank " + rank + " (split " + split.name().toLowerCase() + ")";
    }

    @Override
    public String label() {
        return "truncate(" + decomposition.children().get(0).label() + ", " + rank + ")";
    }
}
