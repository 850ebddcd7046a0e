package org.loralgebra.plan.rules;

import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Sum;

/**
 * {@code decompose(sum)} (and so {@code truncate(sum)}, {@code spectrum(sum)}) becomes one QR-concat-SVD over
 * the terms' factors: the concatenated factors of the sum are never kept as a result of their own.
 */
public final class FuseDecomposeOfSum implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (node instanceof Decompose d
                && d.input() instanceof Sum s
                && s.terms().size() > 1) {
            return new DecomposeSum(s, d.vectors());
        }
        return node;
    }
}
