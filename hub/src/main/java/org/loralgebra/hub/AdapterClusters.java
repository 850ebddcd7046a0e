package org.loralgebra.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.loralgebra.stdlib.cluster.ModuleUnitClusters;

/**
 * Clusters of whole adapters by the rank units they are made of: each adapter is the vector of the fractions of its
 * total unit magnitude that fall in each (module, cluster) — two adapters whose units land in the same clusters in the
 * same proportions are the same point — and these vectors are clustered by seeded k-means (k-means++ then Lloyd, the
 * algorithm of {@code lora cluster}, not up to sign; the stream keyed by (seed, "adapters")).
 */
public final class AdapterClusters {
    private AdapterClusters() {}

    /**
     * The rows {@code {"adapter", "cluster"}} of the readable adapters ({@code adapters}: position in the input →
     * path, in input order), from the contributions of every module group.
     */
    public static List<String> rows(
            Map<Integer, String> adapters, List<UnitContribution> contributions, int k, long seed, int iterations) {
        TreeMap<String, Integer> features = new TreeMap<>();
        contributions.forEach(c -> features.putIfAbsent(c.feature(), 0));
        int f = 0;
        for (Map.Entry<String, Integer> e : features.entrySet()) {
            e.setValue(f++);
        }
        List<Integer> order = new ArrayList<>(new TreeMap<>(adapters).keySet());
        Map<Integer, Integer> row = new TreeMap<>();
        for (int i = 0; i < order.size(); i++) {
            row.put(order.get(i), i);
        }
        // summed in one order (adapter, feature), whatever order the contributions arrived in
        List<UnitContribution> sorted = new ArrayList<>(contributions);
        sorted.sort(Comparator.comparingInt(UnitContribution::index).thenComparing(UnitContribution::feature));
        double[][] x = new double[order.size()][features.size()];
        double[] total = new double[order.size()];
        for (UnitContribution c : sorted) {
            int r = row.get(c.index());
            x[r][features.get(c.feature())] += c.magnitude();
            total[r] += c.magnitude();
        }
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < x[r].length && total[r] > 0; j++) {
                x[r][j] /= total[r];
            }
        }
        List<String> rows = new ArrayList<>();
        if (x.length == 0) {
            return rows;
        }
        int[] labels =
                features.isEmpty() ? new int[x.length] : ModuleUnitClusters.kmeans(x, k, seed, "adapters", iterations);
        for (int r = 0; r < x.length; r++) {
            ObjectNode o = JsonRows.object();
            o.put("adapter", adapters.get(order.get(r)));
            o.put("cluster", labels[r]);
            rows.add(JsonRows.line(o));
        }
        return rows;
    }
}
