package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Sum;

/** Inlines nested sums: {@code a + (b + c) → a + b + c}, weights multiplied through. One concatenation, not two. */
public final class FlattenSums implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (!(node instanceof Sum sum) || sum.terms().stream().noneMatch(t -> t.node() instanceof Sum)) {
            return node;
        }
        List<Sum.Term> terms = new ArrayList<>();
        for (Sum.Term t : sum.terms()) {
            if (t.node() instanceof Sum inner) {
                for (Sum.Term u : inner.terms()) {
                    terms.add(new Sum.Term(t.weight() * u.weight(), u.node()));
                }
            } else {
                terms.add(t);
            }
        }
        return Sum.of(terms);
    }
}
