package org.loralgebra.graph;

import java.util.List;

/**
 * A node with exactly one input. Its children and their replacement follow from {@link #input} and
 * {@link #withInput}: rebuilding with the same input returns the same node.
 */
public sealed interface UnaryNode extends Node permits Select, Scale, Decompose, Truncate, WithoutDora, WithBaseModel {
    /** The one input. */
    Node input();

    /** The same operation over another input (of a compatible type). */
    Node withInput(Node input);

    @Override
    default List<Node> children() {
        return List.of(input());
    }

    @Override
    default Node withChildren(List<Node> children) {
        if (children.size() != 1) {
            throw new IllegalArgumentException(describe() + " takes one input, got " + children.size());
        }
        Node in = children.get(0);
        return in == input() ? this : withInput(in);
    }
}
