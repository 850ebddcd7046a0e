package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleFilter;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Select;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.graph.WithoutDora;
import org.loralgebra.plan.rules.Rule;

/**
 * Moves {@code select} towards the leaves (every operation is module-wise, so selecting before or after is the
 * same) until it becomes part of {@code load}: then only the selected modules are ever read, and the sum's terms
 * that have none of them disappear from the plan.
 */
public final class PushSelectIntoLoad implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (!(node instanceof Select sel)) {
            return node;
        }
        ModuleFilter f = sel.filter();
        Node in = sel.input();
        if (in instanceof Load l) {
            SortedSet<String> kept = f.apply(l.type().names());
            return new Load(l.source(), Optional.of(kept));
        }
        if (in instanceof Select inner) {
            return new Select(inner.input(), ModuleFilter.names(sel.type().names()));
        }
        if (in instanceof Scale s) {
            return new Scale(new Select(s.input(), f), s.factor());
        }
        if (in instanceof org.loralgebra.graph.WithBaseModel w) {
            return new org.loralgebra.graph.WithBaseModel(new Select(w.input(), f), w.baseModel());
        }
        if (in instanceof WithoutDora w) {
            return new WithoutDora(new Select(w.input(), f));
        }
        if (in instanceof Decompose d) {
            return new Decompose(new Select(d.input(), f), d.vectors());
        }
        if (in instanceof Truncate t) {
            return new Truncate(new Select(t.decomposition(), f), t.rank(), t.split());
        }
        if (in instanceof Project p) {
            Node off = f.apply(p.off().type().names()).isEmpty() ? p.off() : new Select(p.off(), f);
            return new Project(new Select(p.input(), f), off, p.side(), p.k());
        }
        if (in instanceof Sum s) {
            List<Sum.Term> terms = new ArrayList<>();
            for (Sum.Term t : s.terms()) {
                if (!f.apply(t.node().type().names()).isEmpty()) {
                    terms.add(new Sum.Term(t.weight(), new Select(t.node(), f)));
                }
            }
            return Sum.of(terms);
        }
        return node;
    }
}
