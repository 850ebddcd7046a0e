package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Sum;

/**
 * Collects equal terms of a sum ({@code a + 0.5·a → 1.5·a}, and {@code a - a → 0·a}: sign cancellation), drops
 * terms whose weight is zero when the other terms cover their modules, and turns a one-term sum into a scale.
 * The rank shrinks accordingly: {@code a + a} is rank r, not 2r.
 */
public final class CollectLikeTerms implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (!(node instanceof Sum sum)) {
            return node;
        }
        Map<Node, Double> weights = new LinkedHashMap<>();
        for (Sum.Term t : sum.terms()) {
            weights.merge(t.node(), t.weight(), Double::sum);
        }
        List<Sum.Term> terms = new ArrayList<>();
        weights.forEach((n, w) -> terms.add(new Sum.Term(w, n)));
        List<Sum.Term> nonZero =
                new ArrayList<>(terms.stream().filter(t -> t.weight() != 0.0).toList());
        Set<String> covered = new HashSet<>();
        nonZero.forEach(t -> covered.addAll(t.node().type().names()));
        List<Sum.Term> kept = covered.containsAll(sum.type().names()) && !nonZero.isEmpty() ? nonZero : terms;
        if (kept.size() == 1) {
            Sum.Term only = kept.get(0);
            return only.weight() == 1.0 ? only.node() : new Scale(only.node(), only.weight());
        }
        return kept.size() == sum.terms().size() ? node : Sum.of(kept);
    }
}
