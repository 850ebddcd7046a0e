package org.loralgebra.graph;

import org.loralgebra.model.AdapterType;

/**
 * Per module, the thin SVD of {@code scale·B·A} in factored form: QR of B and of Aᵀ, then the SVD of the
 * small r×r core. Never a dense out×in SVD. With {@code vectors} false only the singular values are computed
 * (R factors only, no Q, no U or V): what a spectrum needs.
 */
public record Decompose(Node input, boolean vectors) implements UnaryNode {
    public Decompose {
        if (input.output() != Output.FACTORS) {
            throw new IllegalArgumentException("decompose applies to adapters, not to " + input.describe());
        }
    }

    /** The full decomposition (values and vectors). */
    public Decompose(Node input) {
        this(input, true);
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
    public Node withInput(Node input) {
        return new Decompose(input, vectors);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitDecompose(this);
    }

    @Override
    public String describe() {
        return vectors
                ? "Decompose (QR(B), QR(Aᵀ), SVD of r×r core)"
                : "SingularValues (R of QR(B), R of QR(Aᵀ), values of r×r core)";
    }

    @Override
    public String label() {
        return "svd(" + input.label() + ")";
    }
}
