package org.loralgebra.graph;

/**
 * An operation defined node kind by node kind: evaluation, cost, pushing a selection down, the metadata of a
 * result. Every core node calls back the one method for its kind ({@link Node#accept}), so a new kind of node does
 * not compile until every visitor says what it does with it.
 *
 * @param <R> what the operation gives for a node
 */
public interface NodeVisitor<R> {
    /** Reads modules from a source. */
    R visitLoad(Load node);

    /** Keeps the modules a filter selects. */
    R visitSelect(Select node);

    /** {@code factor·ΔW}. */
    R visitScale(Scale node);

    /** A weighted sum, factored as a rank concatenation. */
    R visitSum(Sum node);

    /** The thin SVD of an update, from its factors. */
    R visitDecompose(Decompose node);

    /** The thin SVD of a sum, fused (made by the planner). */
    R visitDecomposeSum(DecomposeSum node);

    /** The best rank-k approximation, from an SVD. */
    R visitTruncate(Truncate node);

    /** An update with another's top singular subspace removed. */
    R visitProject(Project node);

    /** A module-wise kernel over N adapters. */
    R visitModuleMap(ModuleMap node);

    /** The low-rank update alone, DoRA state dropped. */
    R visitWithoutDora(WithoutDora node);

    /** The same update declared for another base model. */
    R visitWithBaseModel(WithBaseModel node);
}
