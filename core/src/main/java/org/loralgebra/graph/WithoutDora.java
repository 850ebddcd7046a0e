package org.loralgebra.graph;

import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/** The low-rank update B·A alone: DoRA magnitude vectors and LoRA biases dropped, explicitly. */
public record WithoutDora(Node input) implements UnaryNode {
    @Override
    public AdapterType type() {
        return input.type().mapModules(ModuleSpec::lowRankOnly);
    }

    @Override
    public Node withInput(Node input) {
        return new WithoutDora(input);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitWithoutDora(this);
    }

    @Override
    public String describe() {
        return "WithoutDora (drop magnitude vectors and LoRA biases)";
    }

    @Override
    public String label() {
        return input.label();
    }
}
