package org.loralgebra.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.loralgebra.stdlib.cluster.ModuleUnitClusters;

/**
 * The rank units of one module group (one name, one shape) over all adapters that have it, clustered as
 * {@code lora cluster} clusters them ({@link ModuleUnitClusters}: LoRA-LEGO units, k-means up to sign, seeded by
 * (seed, module)): one row per unit and each adapter's {@link UnitContribution}s.
 *
 * @param units         the rows {@code {"adapter", "module", "unit", "cluster", "sign", "magnitude"}}
 * @param contributions per adapter and cluster, the units' summed magnitude
 */
public record ModuleClustering(List<String> units, List<UnitContribution> contributions) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ModuleClustering {
        units = List.copyOf(units);
        contributions = List.copyOf(contributions);
    }

    /** Clusters the units of {@code members} (any order: they are put in input order first). */
    public static ModuleClustering of(List<UnitMember> members, int k, long seed, int iterations) {
        List<UnitMember> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingInt(UnitMember::index));
        List<ModuleUnitClusters.Source> sources = new ArrayList<>();
        for (UnitMember m : sorted) {
            ModuleProfile p = m.module();
            sources.add(new ModuleUnitClusters.Source(
                    doubles(p.b()), doubles(p.a()), p.out(), p.rank(), p.in(), p.scale()));
        }
        String module = sorted.get(0).module().module();
        ModuleUnitClusters c = ModuleUnitClusters.of(module, sources, k, seed, iterations);
        int[] source = c.source();
        int[] rank = c.rank();
        int[] cluster = c.cluster();
        int[] sign = c.sign();
        double[] magnitude = c.magnitude();
        List<String> rows = new ArrayList<>();
        double[][] sums = new double[sorted.size()][c.clusters()];
        for (int i = 0; i < source.length; i++) {
            ObjectNode o = JsonRows.object();
            o.put("adapter", sorted.get(source[i]).adapter());
            o.put("module", module);
            o.put("unit", rank[i]);
            o.put("cluster", cluster[i]);
            o.put("sign", sign[i]);
            JsonRows.put(o, "magnitude", magnitude[i]);
            rows.add(JsonRows.line(o));
            sums[source[i]][cluster[i]] += magnitude[i];
        }
        List<UnitContribution> contributions = new ArrayList<>();
        String group = sorted.get(0).group();
        for (int s = 0; s < sorted.size(); s++) {
            for (int j = 0; j < c.clusters(); j++) {
                if (sums[s][j] > 0) {
                    contributions.add(new UnitContribution(sorted.get(s).index(), group + " #" + j, sums[s][j]));
                }
            }
        }
        return new ModuleClustering(rows, contributions);
    }

    private static double[] doubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
