package org.loralgebra.graph;

import java.util.List;

import org.loralgebra.model.AdapterType;

/**
 * Per module, the thin SVD of {@code scale·B·A} in factored form: QR of B and of Aᵀ, then the SVD of the
 * small r×r core. Never a dense out×in SVD.
 */
public record Decompose(Node input) implements Node {
    public Decompose {
        if (input.output() != Output.FACTORS) {
            throw new IllegalArgumentException("decompose applies to adapters, not to " + input.describe());
        }
    }

    @Override
    public AdapterType type() {
        return input.type().mapModules(m -> m.withRank(Math.min(m.rank(), Math.min(m.out(), m.in()))));
    }

    @Override
    public Output output() {
        return Output.SVD;
    }

    @Override
    public List<Node> children() {
        return List.of(input);
    }

    @Override
    public Node withChildren(List<Node> children) {
        Node c = Nodes.only(children, "decompose");
        return c == input ? this : new Decompose(c);
    }

    @Override
    public String describe() {
        return "Decompose (QR(B), QR(Aᵀ), SVD of r×r core)";
    }

    @Override
    public String label() {
        return "svd(" + input.label() + ")";
    }
}
