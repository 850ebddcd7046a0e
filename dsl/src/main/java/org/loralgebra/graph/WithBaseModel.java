package org.loralgebra.graph;

import java.util.List;

import org.loralgebra.model.AdapterType;

/**
 * The same update declared for another base model name: for adapters of one model published under two names
 * (a Hub id and a local path). Saving writes the new name as {@code base_model_name_or_path}.
 */
public record WithBaseModel(Node input, String baseModel) implements Node {
    @Override
    public AdapterType type() {
        return input.type().withBaseModel(baseModel);
    }

    @Override
    public Output output() {
        return input.output();
    }

    @Override
    public List<Node> children() {
        return List.of(input);
    }

    @Override
    public Node withChildren(List<Node> children) {
        Node c = Nodes.only(children, "withBaseModel");
        return c == input ? this : new WithBaseModel(c, baseModel);
    }

    @Override
    public String describe() {
        return "WithBaseModel " + baseModel;
    }

    @Override
    public String label() {
        return input.label();
    }
}
