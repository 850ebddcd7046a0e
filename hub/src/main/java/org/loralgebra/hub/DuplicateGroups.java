package org.loralgebra.hub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Near-duplicate groups: the connected components of the graph whose edges are the pairs with cosine ≥ a threshold
 * (so a chain a~b~c is one group even if a and c are further apart). Groups of two or more, each listed by path,
 * numbered in the order of their first path.
 */
public final class DuplicateGroups {
    private DuplicateGroups() {}

    /** The groups' rows {@code {"group", "size", "threshold", "adapters": [...]}} from the pairs at or above it. */
    public static List<String> rows(List<PairScore> close, double threshold) {
        Map<String, String> parent = new HashMap<>();
        for (PairScore p : close) {
            union(parent, p.a(), p.b());
        }
        Map<String, TreeSet<String>> groups = new HashMap<>();
        for (String a : parent.keySet()) {
            groups.computeIfAbsent(find(parent, a), k -> new TreeSet<>()).add(a);
        }
        TreeMap<String, TreeSet<String>> ordered = new TreeMap<>();
        groups.values().forEach(g -> ordered.put(g.first(), g));
        List<String> rows = new ArrayList<>();
        int id = 0;
        for (TreeSet<String> g : ordered.values()) {
            ObjectNode o = JsonRows.object();
            o.put("group", id++);
            o.put("size", g.size());
            JsonRows.put(o, "threshold", threshold);
            ArrayNode list = o.putArray("adapters");
            g.forEach(list::add);
            rows.add(JsonRows.line(o));
        }
        return rows;
    }

    /** Whether a pair is an edge: comparable, cosine ≥ threshold. */
    public static boolean close(PairScore p, double threshold) {
        return p.comparable() && p.cosine() >= threshold;
    }

    private static String find(Map<String, String> parent, String x) {
        String root = x;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        while (!parent.get(x).equals(root)) {
            String next = parent.get(x);
            parent.put(x, root);
            x = next;
        }
        return root;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            // the smaller path is the root: deterministic whatever the order of the edges
            if (ra.compareTo(rb) < 0) {
                parent.put(rb, ra);
            } else {
                parent.put(ra, rb);
            }
        }
    }
}
