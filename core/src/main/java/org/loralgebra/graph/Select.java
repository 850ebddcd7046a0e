package org.loralgebra.graph;

import java.util.SortedSet;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.AdapterTypeException;

/** Keeps the modules a filter selects; the planner pushes it down into {@link Load}. */
public record Select(Node input, ModuleFilter filter) implements UnaryNode {
    public Select {
        SortedSet<String> kept = filter.apply(input.type().names());
        if (kept.isEmpty()) {
            String example = input.type().names().isEmpty()
                    ? "(none)"
                    : input.type().names().iterator().next();
            throw new AdapterTypeException("select " + filter + " matched no module of '" + input.label() + "' (its "
                    + input.type().names().size() + " modules are named like '" + example + "')");
        }
    }

    @Override
    public AdapterType type() {
        return input.type().restrict(filter.apply(input.type().names()));
    }

    @Override
    public Output output() {
        return input.output();
    }

    @Override
    public Node withInput(Node input) {
        return new Select(input, filter);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitSelect(this);
    }

    @Override
    public String describe() {
        return "Select " + filter + " (" + type().names().size() + " of "
                + input.type().names().size() + " modules)";
    }

    @Override
    public String label() {
        return input.label() + "[" + filter + "]";
    }
}
