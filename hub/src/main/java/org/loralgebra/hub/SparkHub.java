package org.loralgebra.hub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The hub's analyses on Apache Spark, row for row what {@link HubAnalysis} computes on one machine. Each task opens
 * its adapters itself from their paths ({@link AdapterLocation#profile}); only profiles (numbers, and the r-column
 * factors or SVDs the similarity and the clustering need) travel. A bad adapter is an error row, never a failed job.
 *
 * <ul>
 *   <li>stats: one task per slice of adapters; nothing is shuffled.</li>
 *   <li>similarity: one task per block of adapters profiles it ({@link SimilarityOptions#blockSize(int)}); the blocks
 *       are cached, and one task per pair of blocks (i ≤ j) compares them ({@link BlockSimilarity}), so no task holds
 *       more than two blocks; top-k neighbours are merged by key, near-duplicate pairs (few) are grouped on the
 *       driver.</li>
 *   <li>cluster: profiles are shuffled by module, one task clusters one module's units ({@link ModuleClustering});
 *       the per-adapter magnitudes (a few numbers each) are clustered on the driver ({@link AdapterClusters}).</li>
 * </ul>
 */
public final class SparkHub {
    private final JavaSparkContext sc;

    /** The analyses on this context. */
    public SparkHub(JavaSparkContext sc) {
        this.sc = sc;
    }

    /**
     * A context for {@code master} ({@code local[*]}, {@code local[2]}, {@code spark://host:7077}, …) with Spark's
     * console progress bar on, its web UI off, and one OpenMP thread per ND4J op on the executors.
     */
    public static JavaSparkContext context(String master, String appName) {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "true")
                // the tasks are the parallelism: one OpenMP thread per ND4J op on executors (as the launcher sets)
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.driver.bindAddress", master.startsWith("local") ? "127.0.0.1" : "0.0.0.0");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    /** {@link HubAnalysis#stats}, on Spark: tables {@code modules} and {@code adapters}. */
    public Map<String, JavaRDD<String>> stats(List<String> adapters) {
        List<String> paths = List.copyOf(adapters); // serializable, whatever list was given
        JavaRDD<AdapterProfile> profiles = sc.parallelize(range(paths.size()), slices(paths.size()))
                .map(i -> AdapterLocation.profile(paths.get(i), ProfilePayload.NUMBERS))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, JavaRDD<String>> t = new LinkedHashMap<>();
        t.put("modules", profiles.flatMap(p -> StatsRows.modules(p).iterator()));
        t.put("adapters", profiles.map(StatsRows::adapter));
        return t;
    }

    /** {@link HubAnalysis#similarity}, on Spark: tables {@code pairs}, {@code neighbours}, {@code groups}, {@code errors}. */
    public Map<String, JavaRDD<String>> similarity(List<String> adapters, SimilarityOptions options) {
        List<String> paths = List.copyOf(adapters);
        int n = paths.size();
        int b = options.blockSize(n);
        int blocks = (n + b - 1) / b;
        JavaRDD<ProfileBlock> profiled = sc.parallelize(range(blocks), blocks)
                .map(block -> HubAnalysis.loadBlock(paths, block, b))
                // kept as objects: each block is read by every block pair it is in, and deserializing it again each
                // time cost a third of the run (200 adapters in local[1]: 33.1 s serialized, 25.5 s as objects)
                .persist(StorageLevel.MEMORY_AND_DISK());
        int topK = options.topK();
        double threshold = options.threshold();
        String baseModel = options.baseModel();
        JavaRDD<PairScore> pairs = profiled.cartesian(profiled)
                .filter(xy -> xy._1().block() <= xy._2().block())
                .flatMap(xy -> BlockSimilarity.of(xy._1(), xy._2(), baseModel).iterator())
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        JavaPairRDD<String, List<Neighbour>> neighbours = pairs.flatMapToPair(p -> {
                    List<Tuple2<String, List<Neighbour>>> out = new ArrayList<>();
                    List<Neighbour> two = Neighbour.of(p);
                    for (int e = 0; e < two.size(); e++) {
                        out.add(new Tuple2<>(Neighbour.owner(p, e), List.of(two.get(e))));
                    }
                    return out.iterator();
                })
                .reduceByKey((x, y) -> Neighbour.top(x, y, topK));
        Map<String, JavaRDD<String>> t = new LinkedHashMap<>();
        double minPairCosine = options.minPairCosine();
        t.put("pairs", pairs.filter(p -> p.listed(minPairCosine)).map(PairScore::row));
        t.put("neighbours", neighbours.map(e -> Neighbour.row(e._1(), e._2())));
        t.put("groups", nearDuplicateGroups(pairs, threshold));
        t.put("errors", profiled.flatMap(x -> HubAnalysis.errorRows(x).iterator()));
        return t;
    }

    /** {@link HubAnalysis#cluster}, on Spark: tables {@code units}, {@code adapters}, {@code errors}. */
    public Map<String, JavaRDD<String>> cluster(List<String> adapters, ClusterOptions options) {
        List<String> paths = List.copyOf(adapters);
        JavaPairRDD<Integer, AdapterProfile> profiles = sc.parallelize(range(paths.size()), slices(paths.size()))
                .mapToPair(i -> new Tuple2<>(i, AdapterLocation.profile(paths.get(i), ProfilePayload.FACTORS)))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        int k = options.k();
        long seed = options.seed();
        int iterations = options.iterations();
        JavaRDD<ModuleClustering> modules = profiles.flatMapToPair(e -> HubAnalysis.members(e._1(), e._2()).stream()
                        .map(m -> new Tuple2<>(m.group(), m))
                        .iterator())
                .groupByKey()
                .map(g -> {
                    List<UnitMember> members = new ArrayList<>();
                    g._2().forEach(members::add);
                    return ModuleClustering.of(members, k, seed, iterations);
                })
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        Map<String, JavaRDD<String>> t = new LinkedHashMap<>();
        t.put("units", modules.flatMap(m -> m.units().iterator()));
        t.put("adapters", adapterClusters(profiles, modules, options));
        t.put(
                "errors",
                profiles.values().filter(AdapterProfile::failed).map(p -> JsonRows.error(p.adapter(), p.error())));
        return t;
    }

    /** Collects every table: for tests and small hubs. */
    public static HubTables collect(Map<String, JavaRDD<String>> tables) {
        Map<String, List<String>> t = new LinkedHashMap<>();
        tables.forEach((name, rdd) -> t.put(name, rdd.collect()));
        return new HubTables(t);
    }

    private JavaRDD<String> nearDuplicateGroups(JavaRDD<PairScore> pairs, double threshold) {
        List<PairScore> close =
                pairs.filter(p -> DuplicateGroups.close(p, threshold)).collect();
        return sc.parallelize(DuplicateGroups.rows(close, threshold), 1);
    }

    private JavaRDD<String> adapterClusters(
            JavaPairRDD<Integer, AdapterProfile> profiles, JavaRDD<ModuleClustering> modules, ClusterOptions o) {
        Map<Integer, String> readable = new TreeMap<>(profiles.filter(e -> !e._2().failed())
                .mapValues(AdapterProfile::adapter)
                .collectAsMap());
        List<UnitContribution> contributions =
                modules.flatMap(m -> m.contributions().iterator()).collect();
        return sc.parallelize(AdapterClusters.rows(readable, contributions, o.adapterK(), o.seed(), o.iterations()), 1);
    }

    private int slices(int n) {
        return Math.max(1, Math.min(n, 4 * sc.defaultParallelism()));
    }

    private static List<Integer> range(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }
}
