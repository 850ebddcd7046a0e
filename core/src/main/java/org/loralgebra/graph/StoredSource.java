package org.loralgebra.graph;

import java.util.Optional;
import org.loralgebra.model.AdapterSource;

/**
 * The source whose modules a node gives unchanged: a {@link Load}'s, through any {@link Select} or
 * {@link WithBaseModel}; empty for every node that computes (its scales and dtypes are the result's own).
 */
public final class StoredSource implements NodeVisitor<Optional<AdapterSource>> {
    @Override
    public Optional<AdapterSource> visitLoad(Load node) {
        return Optional.of(node.source());
    }

    @Override
    public Optional<AdapterSource> visitSelect(Select node) {
        return node.input().accept(this);
    }

    @Override
    public Optional<AdapterSource> visitWithBaseModel(WithBaseModel node) {
        return node.input().accept(this);
    }

    @Override
    public Optional<AdapterSource> visitScale(Scale node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitSum(Sum node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitDecompose(Decompose node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitDecomposeSum(DecomposeSum node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitTruncate(Truncate node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitProject(Project node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitModuleMap(ModuleMap node) {
        return Optional.empty();
    }

    @Override
    public Optional<AdapterSource> visitWithoutDora(WithoutDora node) {
        return Optional.empty();
    }
}
