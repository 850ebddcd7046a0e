package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.orthogonalize.ContinualMerge;
import org.loralgebra.stdlib.orthogonalize.Orthogonalize;

/**
 * The merge experiment of {@code lora lab merge}: for each seed, one adapter per task is trained (or read from the
 * cache); every merge method combines them with weights 1 and the merged update is scaled by λ (the scaling
 * coefficient of task arithmetic and TIES-merging: W + λ·ΔW_merged), λ chosen on the validation split (the grid's
 * best mean validation accuracy, the smallest λ on ties); the model with that λ is evaluated on every task's test split;
 * routing applies one adapter per example, the one a linear router picks. The base and each adapter on its own task
 * are the references. Immutable; {@link #report()} runs it.
 *
 * <pre>{@code
 * MergeReport r = MergeExperiment.of(FashionMnistSuite.of(Settings.full())).seeds(3).report();
 * }</pre>
 *
 * <p>Method options: pruning methods keep {@link #density(double)} of the entries (default 0.5), methods that end in
 * an SVD keep rank {@link #svdRank(int)} (default 16), DARE draws its masks with the run's seed. Every other option
 * is the method's default.
 *
 * @param <D> the suite's examples
 */
public final class MergeExperiment<D extends Examples> {
    /** Routing's name in the report. */
    public static final String ROUTING = "routing";

    /** OPCM (continual merging by orthogonal projection, {@link ContinualMerge}) of the task adapters in task order. */
    public static final String OPCM = "opcm";

    /**
     * O-LoRA-style orthogonalize-then-merge: each task adapter, in task order, has the input subspaces of the ones
     * before it removed ({@link Orthogonalize}, {@link Side#INPUT}, every direction), then the results are summed.
     */
    public static final String ORTHOGONAL_SUM = "orthogonal_sum";

    /** The orthogonalize-then-merge entries, in report order (after the merge methods). */
    public static final List<String> ORTHOGONAL = List.of(OPCM, ORTHOGONAL_SUM);

    private final Suite<D> suite;
    private final int seeds;
    private final double[] lambdas;
    private final double density;
    private final int svdRank;
    private final List<Method> methods;
    private final List<String> orthogonal;
    private final boolean routing;
    private final Progress progress;

    private MergeExperiment(
            Suite<D> suite,
            int seeds,
            double[] lambdas,
            double density,
            int svdRank,
            List<Method> methods,
            List<String> orthogonal,
            boolean routing,
            Progress progress) {
        this.suite = suite;
        this.seeds = seeds;
        this.lambdas = lambdas;
        this.density = density;
        this.svdRank = svdRank;
        this.methods = methods;
        this.orthogonal = orthogonal;
        this.routing = routing;
        this.progress = progress;
    }

    /** The experiment on a suite: every merge method and routing, 1 seed, λ ∈ {0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.0, 1.5}. */
    public static <D extends Examples> MergeExperiment<D> of(Suite<D> suite) {
        return new MergeExperiment<>(
                suite,
                1,
                new double[] {0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.0, 1.5},
                0.5,
                16,
                List.of(Method.values()),
                ORTHOGONAL,
                true,
                Progress.NONE);
    }

    /** How many seeds (0 … n − 1), at least 1. */
    public MergeExperiment<D> seeds(int n) {
        if (n < 1) {
            throw new LoraException("lab merge: seeds must be at least 1, got " + n);
        }
        return new MergeExperiment<>(suite, n, lambdas, density, svdRank, methods, orthogonal, routing, progress);
    }

    /** The λ grid (each > 0), searched on the validation split. */
    public MergeExperiment<D> lambdas(double... grid) {
        if (grid.length == 0 || Arrays.stream(grid).anyMatch(l -> !(l > 0) || Double.isInfinite(l))) {
            throw new LoraException("lab merge: lambdas must be finite and > 0, got " + Arrays.toString(grid));
        }
        return new MergeExperiment<>(
                suite, seeds, grid.clone(), density, svdRank, methods, orthogonal, routing, progress);
    }

    /** The λ grid searched on the validation split (a copy). */
    public double[] lambdaGrid() {
        return lambdas.clone();
    }

    /** The density of the pruning methods, in (0, 1]. */
    public MergeExperiment<D> density(double d) {
        if (!(d > 0 && d <= 1)) {
            throw new LoraException("lab merge: density must be in (0, 1], got " + d);
        }
        return new MergeExperiment<>(suite, seeds, lambdas, d, svdRank, methods, orthogonal, routing, progress);
    }

    /** The rank of the methods that end in an SVD, at least 1. */
    public MergeExperiment<D> svdRank(int k) {
        if (k < 1) {
            throw new LoraException("lab merge: svd rank must be at least 1, got " + k);
        }
        return new MergeExperiment<>(suite, seeds, lambdas, density, k, methods, orthogonal, routing, progress);
    }

    /** The merge methods to run (default all; none is allowed), in report order. */
    public MergeExperiment<D> methods(Method... ms) {
        return new MergeExperiment<>(
                suite, seeds, lambdas, density, svdRank, List.of(ms), orthogonal, routing, progress);
    }

    /** The orthogonalize-then-merge entries to run ({@link #ORTHOGONAL}'s names; default both, none is allowed). */
    public MergeExperiment<D> orthogonal(String... names) {
        for (String n : names) {
            if (!ORTHOGONAL.contains(n)) {
                throw new LoraException("lab merge: unknown orthogonalize-then-merge entry '" + n + "'; known: "
                        + String.join(", ", ORTHOGONAL));
            }
        }
        List<String> inOrder =
                ORTHOGONAL.stream().filter(List.of(names)::contains).toList();
        return new MergeExperiment<>(suite, seeds, lambdas, density, svdRank, methods, inOrder, routing, progress);
    }

    /** Whether to measure routing (default true). */
    public MergeExperiment<D> routing(boolean on) {
        return new MergeExperiment<>(suite, seeds, lambdas, density, svdRank, methods, orthogonal, on, progress);
    }

    /** Hears of each step (an adapter trained or read, a method evaluated, routing evaluated). */
    public MergeExperiment<D> progress(Progress p) {
        return new MergeExperiment<>(suite, seeds, lambdas, density, svdRank, methods, orthogonal, routing, p);
    }

    /**
     * The merged adapter a method gives for the given adapters (weights 1), with this experiment's options and seed;
     * the experiment evaluates it scaled by λ. NuSLERP interpolates two adapters: more are merged as a balanced tree
     * of pairwise nuslerps, each pair weighted by the number of adapters on its sides (so every adapter counts once).
     */
    public Adapter merged(Method m, List<Adapter> adapters, long seed) {
        if (m == Method.NUSLERP && adapters.size() > 2) {
            int half = adapters.size() / 2;
            List<Adapter> left = adapters.subList(0, half);
            List<Adapter> right = adapters.subList(half, adapters.size());
            Adapter l = left.size() == 1 ? left.get(0) : merged(m, left, seed);
            Adapter r = right.size() == 1 ? right.get(0) : merged(m, right, seed);
            return Merge.of(l, r).method(m).weights(left.size(), right.size()).adapter();
        }
        Merge merge = Merge.of(adapters).method(m);
        if (m.prunes()) {
            merge = merge.density(density);
        }
        if (m.endsWithSvd()) {
            merge = merge.rank(svdRank);
        }
        if (m.isRandom()) {
            merge = merge.seed(seed);
        }
        return merge.adapter();
    }

    /** The adapter an orthogonalize-then-merge entry gives for the task adapters (in task order). */
    public static Adapter orthogonalized(String name, List<Adapter> adapters) {
        if (name.equals(OPCM)) {
            return ContinualMerge.merge(adapters);
        }
        if (!name.equals(ORTHOGONAL_SUM)) {
            throw new LoraException("lab merge: unknown orthogonalize-then-merge entry '" + name + "'");
        }
        Adapter[] cleaned = new Adapter[adapters.size()];
        double[] ones = new double[adapters.size()];
        for (int i = 0; i < cleaned.length; i++) {
            cleaned[i] = i == 0
                    ? adapters.get(0)
                    : Orthogonalize.of(adapters.get(i))
                            .against(adapters.subList(0, i))
                            .side(Side.INPUT)
                            .adapter();
            ones[i] = 1;
        }
        return Lora.sum(ones, cleaned);
    }

    /** Runs the experiment on one thread (the engine, ND4J/OpenMP and BLAS), so that the same seeds give the same bytes. */
    public MergeReport report() {
        return SingleThread.run(() -> Lora.withOptions(Lora.options().withParallelism(1), this::run));
    }

    private MergeReport run() {
        List<Task<D>> tasks = suite.tasks();
        Evaluation<D> eval = Evaluation.of(suite.base(), tasks);
        if (methods.isEmpty() && orthogonal.isEmpty() && !routing) {
            throw new LoraException(
                    "lab merge: nothing to measure (no merge method, no orthogonalize-then-merge, no " + "routing)");
        }
        int total = seeds * (tasks.size() + methods.size() + orthogonal.size() + (routing ? 1 : 0));
        int[] done = {0};
        Runnable step = () -> progress.advanced(++done[0], total);
        SeedTable table = new SeedTable(seeds);
        Map<String, List<Double>> chosen = new LinkedHashMap<>();
        Map<String, Double> baseAcc = eval.baseAccuracy();
        for (int s = 0; s < seeds; s++) {
            List<Adapter> adapters = table.taskAdapters(suite, baseAcc, s, step);
            for (Method m : methods) {
                evaluate(eval, m.id(), merged(m, adapters, s), s, table, chosen);
                step.run();
            }
            for (String o : orthogonal) {
                evaluate(eval, o, orthogonalized(o, adapters), s, table, chosen);
                step.run();
            }
            if (routing) {
                table.record(ROUTING, eval.routedAccuracy(adapters, suite.router(s)), s);
                step.run();
            }
        }
        return results(tasks, table, chosen);
    }

    /** λ chosen on validation for one merged adapter, then its test accuracies recorded under {@code name}. */
    private void evaluate(
            Evaluation<D> eval,
            String name,
            Adapter merged,
            int seed,
            SeedTable table,
            Map<String, List<Double>> chosen) {
        Map<String, DenseMatrix> updates = Evaluation.updates(merged);
        double bestLambda = lambdas[0];
        double bestVal = Double.NEGATIVE_INFINITY;
        for (double l : lambdas) {
            double v = Evaluation.mean(eval.validationAccuracy(updates, l));
            if (v > bestVal) {
                bestVal = v;
                bestLambda = l;
            }
        }
        table.record(name, eval.accuracy(updates, bestLambda), seed);
        chosen.computeIfAbsent(name, k -> new ArrayList<>()).add(bestLambda);
    }

    private MergeReport results(List<Task<D>> tasks, SeedTable table, Map<String, List<Double>> chosen) {
        Map<String, MergeReport.MethodResult> results = new LinkedHashMap<>();
        for (String name : table.recorded()) {
            results.put(
                    name,
                    new MergeReport.MethodResult(
                            table.perTask(name), table.mean(name), chosen.getOrDefault(name, List.of())));
        }
        return new MergeReport(
                suite.name(),
                seeds,
                tasks.stream().map(Task::name).toList(),
                table.perTask(SeedTable.BASE),
                table.perTask(SeedTable.INDIVIDUAL),
                results);
    }
}
