package org.loralgebra.plan;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.Precision;

/**
 * A plan: the expression as written ({@link #logical}), the rewritten graph that runs ({@link #physical}), which
 * rules fired how often, and the precision it runs in. {@link #explain()} prints both trees with each node's estimated
 * output bytes (in that precision) and flops; a node shared by several parents is printed once and referred to by its
 * number afterwards.
 */
public record Plan(List<Node> logical, List<Node> physical, Map<String, Integer> rulesApplied, Precision precision) {
    public Plan {
        logical = List.copyOf(logical);
        physical = List.copyOf(physical);
        rulesApplied = Map.copyOf(rulesApplied);
    }

    /** How often a rule fired (0 when it did not). */
    public int applied(String rule) {
        return rulesApplied.getOrDefault(rule, 0);
    }

    /** The plan as text: logical tree, rules applied, physical tree, totals. */
    public String explain() {
        CostModel cost = new CostModel(precision);
        StringBuilder sb = new StringBuilder();
        sb.append("== Logical plan ==\n");
        print(logical, cost, sb);
        sb.append("== Rewrites ==\n");
        if (rulesApplied.isEmpty()) {
            sb.append("  (none)\n");
        } else {
            rulesApplied.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> sb.append("  ")
                            .append(e.getKey())
                            .append(" ×")
                            .append(e.getValue())
                            .append('\n'));
        }
        sb.append("== Physical plan ==\n");
        double[] totals = print(physical, cost, sb);
        sb.append(String.format(
                Locale.ROOT,
                "== Total: %s of intermediate results in %s, %s ==%n",
                bytes((long) totals[0]),
                precision,
                flops(totals[1])));
        return sb.toString();
    }

    private static double[] print(List<Node> roots, CostModel cost, StringBuilder sb) {
        Map<Node, Integer> ids = new IdentityHashMap<>();
        Map<Node, Integer> uses = new IdentityHashMap<>();
        roots.forEach(r -> count(r, uses, Collections.newSetFromMap(new IdentityHashMap<>())));
        double[] totals = new double[2];
        for (Node r : roots) {
            print(r, 1, cost, ids, uses, sb, totals);
        }
        return totals;
    }

    private static void count(Node n, Map<Node, Integer> uses, Set<Node> onPath) {
        int seen = uses.merge(n, 1, Integer::sum);
        if (seen == 1) {
            n.children().forEach(c -> count(c, uses, onPath));
        }
    }

    private static void print(
            Node n,
            int depth,
            CostModel cost,
            Map<Node, Integer> ids,
            Map<Node, Integer> uses,
            StringBuilder sb,
            double[] totals) {
        String indent = "  ".repeat(depth);
        Integer id = ids.get(n);
        if (id != null) {
            sb.append(indent).append("#").append(id).append(" (shared, see above)\n");
            return;
        }
        id = ids.size() + 1;
        ids.put(n, id);
        NodeCost c = cost.cost(n);
        totals[0] += c.bytes();
        totals[1] += c.flops();
        int maxRank = n.type().modules().values().stream()
                .mapToInt(m -> m.rank())
                .max()
                .orElse(0);
        String shared = uses.getOrDefault(n, 1) > 1 ? ", used " + uses.get(n) + "×" : "";
        sb.append(String.format(
                Locale.ROOT,
                "%s#%d %s  [%d modules, rank ≤ %d, %s, %s%s]%n",
                indent,
                id,
                n.describe(),
                n.type().names().size(),
                maxRank,
                bytes(c.bytes()),
                flops(c.flops()),
                shared));
        for (Node child : n.children()) {
            print(child, depth + 1, cost, ids, uses, sb, totals);
        }
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    static String flops(double f) {
        if (f < 1e6) {
            return String.format(Locale.ROOT, "%.0f flop", f);
        }
        if (f < 1e9) {
            return String.format(Locale.ROOT, "%.1f Mflop", f / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f Gflop", f / 1e9);
    }

    @Override
    public String toString() {
        return explain();
    }
}
