package org.loralgebra.stdlib.cluster;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * The LoRA-LEGO rank units of one module, pooled from several adapters and clustered exactly as {@link Cluster}
 * clusters them (the same unit vectors, {@link RankUnits}; the same canonical order; k-means up to sign with
 * k-means++ seeding keyed by (seed, module), {@link KMeans}), with each unit's origin kept: which source and which
 * rank it is, which cluster it joined and with which sign. The centres are the signed means of the members (no
 * reweighting): {@code Cluster.of(…).k(k).seed(s).parameterReweighting(false)} assembles exactly these centres into
 * its merged module.
 *
 * <p>Unit i is source {@code source[i]}, rank {@code rank[i]}; {@code magnitude[i] = μ = |s|·‖b_j‖·‖a_j‖}, the
 * Frobenius norm of its rank-one update. Arrays are indexed in the canonical order (largest unit first).
 *
 * @param module     the module's name
 * @param source     per unit, the index of its source in the list given to {@link #of}
 * @param rank       per unit, its rank index j in that source
 * @param cluster    per unit, its cluster in [0, k)
 * @param sign       per unit, +1 or −1: the sign it joined its centre with
 * @param magnitude  per unit, μ
 * @param centres    [k][out + in], the clusters' centres
 * @param iterations the Lloyd iterations run
 */
public record ModuleUnitClusters(
        String module,
        int[] source,
        int[] rank,
        int[] cluster,
        int[] sign,
        double[] magnitude,
        double[][] centres,
        int iterations) {
    public ModuleUnitClusters {
        source = source.clone();
        rank = rank.clone();
        cluster = cluster.clone();
        sign = sign.clone();
        magnitude = magnitude.clone();
        centres = centres.clone();
    }

    /**
     * One source of units: a module's factors, B [out, r] and A [r, in] row-major, and its scale s.
     *
     * @param b     B, row-major, out × r
     * @param a     A, row-major, r × in
     * @param out   out-features
     * @param rank  r
     * @param in    in-features
     * @param scale s
     */
    public record Source(double[] b, double[] a, int out, int rank, int in, double scale) {
        public Source {
            if (b.length != (long) out * rank || a.length != (long) rank * in) {
                throw new LoraException("rank units: B must hold " + out + "x" + rank + " and A " + rank + "x" + in
                        + " values, got " + b.length + " and " + a.length);
            }
        }
    }

    /**
     * Clusters the units of {@code sources} (all of one shape) into min(k, #units) clusters.
     *
     * @throws LoraException when k &lt; 1, there are no units, or two sources differ in shape
     */
    public static ModuleUnitClusters of(String module, List<Source> sources, int k, long seed, int maxIterations) {
        if (k < 1 || maxIterations < 1) {
            throw new LoraException(
                    "module '" + module + "': k and iterations must be ≥ 1, got " + k + " and " + maxIterations);
        }
        List<double[]> pool = new ArrayList<>();
        List<int[]> origin = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) {
            Source f = sources.get(s);
            Source first = sources.get(0);
            if (f.out() != first.out() || f.in() != first.in()) {
                throw new LoraException("module '" + module + "': sources of shapes " + first.out() + "x" + first.in()
                        + " and " + f.out() + "x" + f.in() + " cannot be clustered together");
            }
            double[][] units = RankUnits.of(f.b(), f.a(), f.out(), f.rank(), f.in(), f.scale());
            for (int j = 0; j < units.length; j++) {
                pool.add(units[j]);
                origin.add(new int[] {s, j});
            }
        }
        if (pool.isEmpty()) {
            throw new LoraException("module '" + module + "': no rank units to cluster");
        }
        double[][] all = pool.toArray(double[][]::new);
        int[] order = RankUnits.canonicalIndices(all);
        double[][] units = new double[all.length][];
        int[] source = new int[all.length];
        int[] rank = new int[all.length];
        double[] magnitude = new double[all.length];
        for (int i = 0; i < order.length; i++) {
            units[i] = all[order[i]];
            source[i] = origin.get(order[i])[0];
            rank[i] = origin.get(order[i])[1];
            magnitude[i] = RankUnits.squaredNorm(units[i]) / 2;
        }
        KMeans.Result r =
                KMeans.fit(units, Math.min(k, units.length), SplitMix64.key(seed, module), maxIterations, true);
        return new ModuleUnitClusters(
                module, source, rank, r.labels(), r.signs(), magnitude, r.centres(), r.iterations());
    }

    /** The number of clusters, min(k, #units). */
    public int clusters() {
        return centres.length;
    }

    /** The number of units. */
    public int size() {
        return source.length;
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    @Override
    public int[] rank() {
        return rank.clone();
    }

    @Override
    public int[] cluster() {
        return cluster.clone();
    }

    @Override
    public int[] sign() {
        return sign.clone();
    }

    @Override
    public double[] magnitude() {
        return magnitude.clone();
    }

    @Override
    public double[][] centres() {
        double[][] c = new double[centres.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = centres[i].clone();
        }
        return c;
    }

    /**
     * Plain seeded k-means (k-means++ seeding, Lloyd to a fixed point; not up to sign) on the rows of {@code points},
     * the algorithm of {@link Cluster} on ordinary vectors: the cluster of each row, in [0, min(k, rows)).
     */
    public static int[] kmeans(double[][] points, int k, long seed, String streamName, int maxIterations) {
        if (points.length == 0) {
            return new int[0];
        }
        return KMeans.fit(points, Math.min(k, points.length), SplitMix64.key(seed, streamName), maxIterations, false)
                .labels();
    }
}
