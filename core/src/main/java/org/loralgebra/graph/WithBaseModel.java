package org.loralgebra.graph;

import org.loralgebra.model.AdapterType;

/**
 * The same update declared for another base model name: for adapters of one model published under two names
 * (a Hub id and a local path). Saving writes the new name as {@code base_model_name_or_path}.
 */
public record WithBaseModel(Node input, String baseModel) implements UnaryNode {
    @Override
    public AdapterType type() {
        return input.type().withBaseModel(baseModel);
    }

    @Override
    public Output output() {
        return input.output();
    }

    @Override
    public Node withInput(Node input) {
        return new WithBaseModel(input, baseModel);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitWithBaseModel(this);
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
