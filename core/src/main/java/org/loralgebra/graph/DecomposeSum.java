package org.loralgebra.graph;

import java.util.List;
import org.loralgebra.model.AdapterType;

/**
 * The SVD of a sum computed in one pass from its terms' factors: QR of the concatenated B's, QR of the
 * concatenated Aᵀ's, SVD of the Σr×Σr core. Same values as {@code Decompose(Sum)}; the sum's concatenated
 * factors are never kept as an intermediate result. Made by the planner, not by users.
 */
public record DecomposeSum(Sum sum, boolean vectors) implements Node {
    @Override
    public AdapterType type() {
        return new Decompose(sum, vectors).type();
    }

    @Override
    public Output output() {
        return Output.SVD;
    }

    @Override
    public List<Node> children() {
        return sum.children();
    }

    @Override
    public Node withChildren(List<Node> children) {
        Node s = sum.withChildren(children);
        return s == sum ? this : new DecomposeSum((Sum) s, vectors);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitDecomposeSum(this);
    }

    @Override
    public String describe() {
        return (vectors
                        ? "DecomposeSum (fused: QR of concat B, QR of concat Aᵀ, SVD of Σr×Σr core) of "
                        : "SingularValuesOfSum (fused: R of QR of concat B and Aᵀ, values of Σr×Σr core) of ")
                + sum.describe().substring("Sum (rank concat) ".length());
    }

    @Override
    public String label() {
        return "svd(" + sum.label() + ")";
    }
}
