package org.loralgebra.graph;

import java.util.List;

import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;

/** {@code factor·ΔW} for every module. Exact: the factor is applied to B. */
public record Scale(Node input, double factor) implements Node {
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
    public List<Node> children() {
        return List.of(input);
    }

    @Override
    public Node withChildren(List<Node> children) {
        Node c = Nodes.only(children, "scale");
        return c == input ? this : new Scale(c, factor);
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
