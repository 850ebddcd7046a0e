package org.loralgebra.graph;

import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;

/** {@code factor·ΔW} for every module. Exact: the factor is applied to B. */
public record Scale(Node input, double factor) implements UnaryNode {
    public Scale {
        if (!Double.isFinite(factor)) {
            throw new LoraException("cannot scale '" + input.label() + "' by " + factor);
        }
        if (input.output() != Output.FACTORS) {
            throw new IllegalArgumentException("scale applies to adapters, not to " + input.describe());
        }
        DoraGuard.check("scaling", input);
    }

    @Override
    public AdapterType type() {
        return input.type();
    }

    @Override
    public Node withInput(Node input) {
        return new Scale(input, factor);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitScale(this);
    }

    @Override
    public String describe() {
        return "Scale ×" + Nodes.number(factor);
    }

    @Override
    public String label() {
        return factor == -1 ? "-" + Nodes.parenthesize(input) : Nodes.number(factor) + "·" + Nodes.parenthesize(input);
    }
}
