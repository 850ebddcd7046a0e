package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Sum;

/**
 * Folds scalar multiplications: {@code a·(b·x) → (ab)·x}, {@code 1·x → x}, {@code c·Σwᵢxᵢ → Σ(cwᵢ)xᵢ}, and a
 * scaled term of a sum into its weight. With it, {@code -(-x)} is {@code x}.
 */
public final class FoldScalars implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (node instanceof Scale s) {
            if (s.input() instanceof Scale inner) {
                double f = s.factor() * inner.factor();
                return f == 1.0 ? inner.input() : new Scale(inner.input(), f);
            }
            if (s.factor() == 1.0) {
                return s.input();
            }
            if (s.input() instanceof Sum sum) {
                List<Sum.Term> terms = new ArrayList<>();
                for (Sum.Term t : sum.terms()) {
                    terms.add(new Sum.Term(t.weight() * s.factor(), t.node()));
                }
                return Sum.of(terms);
            }
        }
        if (node instanceof Sum sum && sum.terms().stream().anyMatch(t -> t.node() instanceof Scale)) {
            List<Sum.Term> terms = new ArrayList<>();
            for (Sum.Term t : sum.terms()) {
                terms.add(t.node() instanceof Scale s ? new Sum.Term(t.weight() * s.factor(), s.input()) : t);
            }
            return Sum.of(terms);
        }
        return node;
    }
}
