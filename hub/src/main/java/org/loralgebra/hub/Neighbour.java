package org.loralgebra.hub;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One neighbour of an adapter: the other adapter and their {@link PairScore} numbers. Neighbours are ranked by cosine,
 * highest first, then by path: a total order, so the top k of a set is the same whatever order it is merged in.
 *
 * @param adapter         the neighbour's path
 * @param cosine          the cosine of the two updates
 * @param subspaceOverlap the mean φ(k, k)
 */
public record Neighbour(String adapter, double cosine, double subspaceOverlap) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Highest cosine first, then by path. */
    public static final Comparator<Neighbour> RANKING =
            Comparator.comparingDouble(Neighbour::cosine).reversed().thenComparing(Neighbour::adapter);

    /** The best {@code k} of {@code a} and {@code b} together, ranked (a new list). */
    public static List<Neighbour> top(List<Neighbour> a, List<Neighbour> b, int k) {
        List<Neighbour> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        all.sort(RANKING);
        return new ArrayList<>(all.subList(0, Math.min(k, all.size())));
    }

    /** The two neighbour entries a comparable pair with a finite cosine gives: b for a, a for b (none otherwise). */
    public static List<Neighbour> of(PairScore p) {
        if (!p.comparable() || Double.isNaN(p.cosine())) {
            return List.of();
        }
        return List.of(
                new Neighbour(p.b(), p.cosine(), p.subspaceOverlap()),
                new Neighbour(p.a(), p.cosine(), p.subspaceOverlap()));
    }

    /** The owner of the i-th entry of {@link #of(PairScore)}. */
    public static String owner(PairScore p, int i) {
        return i == 0 ? p.a() : p.b();
    }

    /** The row {@code {"adapter", "neighbours": [{"adapter", "cosine", "subspace_overlap"}, …]}}. */
    public static String row(String adapter, List<Neighbour> ranked) {
        var o = JsonRows.object();
        o.put("adapter", adapter);
        var list = o.putArray("neighbours");
        for (Neighbour n : ranked) {
            var e = list.addObject();
            e.put("adapter", n.adapter());
            JsonRows.put(e, "cosine", n.cosine());
            JsonRows.put(e, "subspace_overlap", n.subspaceOverlap());
        }
        return JsonRows.line(o);
    }
}
