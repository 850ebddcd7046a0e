package org.loralgebra.graph;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;

/**
 * Reads modules from a source, lazily: only the modules a result needs are read, when they are needed.
 * {@code modules} empty means all of the source's modules.
 */
public record Load(AdapterSource source, Optional<SortedSet<String>> modules) implements Node {
    public Load {
        modules = modules.map(m -> {
            SortedSet<String> copy = new TreeSet<>(ModuleOrder.INSTANCE);
            copy.addAll(m);
            return Collections.unmodifiableSortedSet(copy);
        });
    }

    /** All modules of a source. */
    public static Load of(AdapterSource source) {
        return new Load(source, Optional.empty());
    }

    @Override
    public AdapterType type() {
        return modules.map(m -> source.type().restrict(m)).orElse(source.type());
    }

    @Override
    public List<Node> children() {
        return List.of();
    }

    @Override
    public Node withChildren(List<Node> children) {
        if (!children.isEmpty()) {
            throw new IllegalArgumentException("load takes no inputs");
        }
        return this;
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitLoad(this);
    }

    @Override
    public String describe() {
        return "Load " + source.label()
                + modules.map(m ->
                                " (" + m.size() + " of " + source.type().names().size() + " modules)")
                        .orElse("");
    }

    @Override
    public String label() {
        return source.label();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Load l && l.source == source && l.modules.equals(modules);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(source) * 31 + modules.hashCode();
    }
}
