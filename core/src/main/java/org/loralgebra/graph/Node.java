package org.loralgebra.graph;

import java.util.List;
import org.loralgebra.model.AdapterType;

/**
 * A node of the lazy expression graph. Nodes are immutable values: equal nodes denote the same computation,
 * and their type (module set, shapes, ranks, base model) is known, and checked, when they are built.
 * Every node is evaluated module by module: the value of a module depends only on the same module of the
 * inputs, which is what lets plans stream, run modules in parallel, and push {@code select} into {@code load}.
 */
public sealed interface Node permits Load, Sum, DecomposeSum, Project, ModuleMap, UnaryNode {
    /** Modules, shapes, ranks (upper bounds where data decides) and base model of the result. */
    AdapterType type();

    /** What the node produces per module. */
    default Output output() {
        return Output.FACTORS;
    }

    /** Inputs, in a fixed order. */
    List<Node> children();

    /** The same operation over other inputs (of compatible types); returns {@code this} when they are the same. */
    Node withChildren(List<Node> children);

    /** Calls the method of {@code visitor} for this kind of node. */
    <R> R accept(NodeVisitor<R> visitor);

    /** One line for plans: the operation and its parameters, without the inputs. */
    String describe();

    /** A short expression for messages, such as {@code imdb + 0.5·emotion}. */
    String label();

    /** What a node produces per module. */
    enum Output {
        /** Low-rank factors {@code scale·B·A}. */
        FACTORS,
        /** A thin SVD {@code U·S·Vᵀ}. */
        SVD
    }
}
