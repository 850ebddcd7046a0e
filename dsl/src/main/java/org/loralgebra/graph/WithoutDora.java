package org.loralgebra.graph;

import java.util.List;

import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/** The low-rank update B·A alone: DoRA magnitude vectors and LoRA biases dropped, explicitly. */
public record WithoutDora(Node input) implements Node {
    @Override
    public AdapterType type() {
        return input.type().mapModules(ModuleSpec::lowRankOnly);
    }

    @Override
    public List<Node> children() {
        return List.of(input);
    }

    @Override
    public Node withChildren(List<Node> children) {
        Node c = Nodes.only(children, "withoutDora");
        return c == input ? this : new WithoutDora(c);
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
