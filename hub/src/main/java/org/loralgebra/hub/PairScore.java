package org.loralgebra.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * The similarity of two adapters (a before b in the input order): the cosine of their whole updates and the mean
 * subspace overlap over the modules they share ({@link BlockSimilarity}), or why they do not compare (different base
 * models, a shared module of two shapes, no module in common), in {@code reason}.
 *
 * @param a               the first adapter's path
 * @param b               the second adapter's path
 * @param cosine          ⟨ΔW_a, ΔW_b⟩ / (‖ΔW_a‖·‖ΔW_b‖) over the shared modules; NaN when either is zero
 * @param subspaceOverlap the mean over shared modules of φ(k, k), k the smaller rank (input side)
 * @param sharedModules   how many modules were compared
 * @param reason          why they do not compare, or null
 */
public record PairScore(String a, String b, double cosine, double subspaceOverlap, int sharedModules, String reason)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A pair that does not compare. */
    public static PairScore incomparable(String a, String b, String reason) {
        return new PairScore(a, b, Double.NaN, Double.NaN, 0, reason);
    }

    /** Whether the pair was compared. */
    public boolean comparable() {
        return reason == null;
    }

    /**
     * Whether the pair gets a row of the pairs table when pairs below {@code minCosine} are left out: every pair
     * when it is −∞, else a pair that compares with a cosine of at least {@code minCosine} (not one whose cosine is
     * NaN, a zero update).
     */
    public boolean listed(double minCosine) {
        return minCosine == Double.NEGATIVE_INFINITY || (comparable() && cosine >= minCosine);
    }

    /** The pair's row: {@code {"a", "b", "comparable", "cosine", "subspace_overlap", "shared_modules"}} or the reason. */
    public String row() {
        ObjectNode o = JsonRows.object();
        o.put("a", a);
        o.put("b", b);
        o.put("comparable", comparable());
        if (comparable()) {
            JsonRows.put(o, "cosine", cosine);
            JsonRows.put(o, "subspace_overlap", subspaceOverlap);
            o.put("shared_modules", sharedModules);
        } else {
            o.put("reason", reason);
        }
        return JsonRows.line(o);
    }
}
