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
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.FitOptions;
import org.loralgebra.stdlib.route.Gate;
import org.loralgebra.stdlib.route.LinearGate;
import org.loralgebra.stdlib.route.ModuleRoute;
import org.loralgebra.stdlib.route.Route;
import org.loralgebra.stdlib.route.Weighting;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The routing experiment of {@code lora lab route}: the suite's task adapters (one per task, trained or read from the
 * cache) become a mixture routed inside the model, module by module, and each router is scored by test accuracy per
 * task, next to the best static merge. The routers, per module, on the input x as it arrives:
 * <ul>
 *   <li>{@link #FITTED_GATE}: a linear gate fitted by softmax regression ({@link #GATE_ITERATIONS} iterations) on
 *       the base's module inputs of {@link #GATE_EXAMPLES_PER_TASK} training examples per task, labelled with their
 *       task; each token takes its top-1 adapter ({@link Route#of}).</li>
 *   <li>{@link #PROTOTYPES}: the cosine of x with each task's mean module input; top-1 adapter.</li>
 *   <li>{@link #ARROW}: PEFT's Arrow (no training): each adapter's prototype is the top right singular vector of its
 *       B·A, a token scores |x·p| per adapter, the top {@link #ARROW_TOP_K} (PEFT's default) are weighed by a
 *       softmax.</li>
 *   <li>{@link #ARROW_GKS}: Arrow after GenKnowSub, the suite's general adapter ({@link Suite#general}, trained on the
 *       base's own domain) subtracted factor by factor from every task adapter first.</li>
 *   <li>{@link #FLYLORA}: FlyLoRA's implicit router on the Σr rank units of all adapters (their rank
 *       concatenation): unit j scores |a_jᵀx|, the top r units pass unweighted (r one adapter's rank); nothing
 *       trained.</li>
 *   <li>{@link #RANK_EXPERTS}: SMoRA's rank-wise experts: the fitted gate lifted to the rank units (each unit
 *       scores its task's logit), the top 2r units with SMoRA's renormalized sigmoid weights — a soft mixture of
 *       the two best tasks at rank granularity. With the top r units it would equal {@link #FITTED_GATE} exactly.</li>
 *   <li>{@link #EXAMPLE_ROUTER}: the suite's per-example router (a linear classifier of the input) picks one adapter
 *       for the whole network, as {@code lora lab merge}'s {@code routing}.</li>
 *   <li>{@link #BEST_STATIC}: every merge method of {@link MergeExperiment} with λ on its grid; the method and λ with
 *       the best mean validation accuracy over seeds (one method for all seeds), reported on test.</li>
 * </ul>
 * Gates are fitted on the base's activations; on the routed model the inputs of higher modules shift a little (the
 * modules below are routed), as in any router trained on a frozen base. Immutable; {@link #report()} runs it.
 *
 * <pre>{@code
 * RouteReport r = RouteExperiment.of(FashionMnistSuite.of(Settings.full())).seeds(3).report();
 * }</pre>
 *
 * @param <D> the suite's examples
 */
public final class RouteExperiment<D extends Examples> {
    /** A fitted linear gate, top-1 adapter per token. */
    public static final String FITTED_GATE = "fitted_gate";
    /** Cosine to each task's mean activation, top-1 adapter per token. */
    public static final String PROTOTYPES = "prototypes";
    /** FlyLoRA's implicit router over the rank units of all adapters. */
    public static final String FLYLORA = "flylora";
    /** SMoRA-style rank experts under the fitted gate. */
    public static final String RANK_EXPERTS = "rank_experts";
    /** PEFT's Arrow: each adapter's top right singular vector scores |x·p|, top 3, softmax. */
    public static final String ARROW = "arrow";
    /** Arrow after GenKnowSub: the general adapter's factors subtracted from every task adapter first. */
    public static final String ARROW_GKS = "arrow_gks";
    /** PEFT's default {@code top_k} for Arrow. */
    public static final int ARROW_TOP_K = 3;
    /** One adapter per example for the whole network. */
    public static final String EXAMPLE_ROUTER = "example_router";
    /** The best static merge, chosen on validation. */
    public static final String BEST_STATIC = "best_static";
    /** Training examples per task the gates are fitted on (the first of each task's training split). */
    public static final int GATE_EXAMPLES_PER_TASK = 500;
    /** Iterations of the gates' softmax regression. */
    public static final int GATE_ITERATIONS = 200;

    /** Every router, in report order. */
    public static final List<String> ROUTERS =
            List.of(FITTED_GATE, PROTOTYPES, ARROW, ARROW_GKS, FLYLORA, RANK_EXPERTS, EXAMPLE_ROUTER);

    private final Suite<D> suite;
    private final int seeds;
    private final List<String> routers;
    private final List<Method> staticMethods;
    private final Progress progress;

    private RouteExperiment(
            Suite<D> suite, int seeds, List<String> routers, List<Method> staticMethods, Progress progress) {
        this.suite = suite;
        this.seeds = seeds;
        this.routers = List.copyOf(routers);
        this.staticMethods = List.copyOf(staticMethods);
        this.progress = progress;
    }

    /** The experiment on a suite: every router and every merge method for the static reference, 1 seed. */
    public static <D extends Examples> RouteExperiment<D> of(Suite<D> suite) {
        return new RouteExperiment<>(suite, 1, ROUTERS, List.of(Method.values()), Progress.NONE);
    }

    /** How many seeds (0 … n − 1), at least 1. */
    public RouteExperiment<D> seeds(int n) {
        if (n < 1) {
            throw new LoraException("lab route: seeds must be at least 1, got " + n);
        }
        return new RouteExperiment<>(suite, n, routers, staticMethods, progress);
    }

    /** The routers to run (names of {@link #ROUTERS}), in report order. */
    public RouteExperiment<D> routers(String... names) {
        for (String n : names) {
            if (!ROUTERS.contains(n)) {
                throw new LoraException("lab route: unknown router '" + n + "', expected one of " + ROUTERS);
            }
        }
        return new RouteExperiment<>(suite, seeds, List.of(names), staticMethods, progress);
    }

    /** The merge methods the static reference chooses among (none: no {@link #BEST_STATIC} row). */
    public RouteExperiment<D> staticMethods(Method... ms) {
        return new RouteExperiment<>(suite, seeds, routers, List.of(ms), progress);
    }

    /** Hears of each step (an adapter read, a router or the static reference evaluated). */
    public RouteExperiment<D> progress(Progress p) {
        return new RouteExperiment<>(suite, seeds, routers, staticMethods, p);
    }

    /**
     * The routes of one router, by module, for the given task adapters (seeded where a gate is fitted).
     *
     * @param router one of {@link #ROUTERS} except {@link #EXAMPLE_ROUTER}, which routes whole examples
     */
    public Map<String, ModuleRoute> routes(String router, List<Adapter> adapters, long seed) {
        return routes(router, adapters, seed, new Fits());
    }

    /** What the routers of one seed share: the base's training inputs and the gates fitted on them, by module. */
    private final class Fits {
        private Map<String, Activations> inputs;
        private int[] labels;
        private final Map<String, LinearGate> gates = new LinkedHashMap<>();

        Activations inputs(String module) {
            if (inputs == null) {
                inputs = trainingInputs();
                labels = taskLabels();
            }
            return inputs.get(module);
        }

        int[] labels() {
            inputs("");
            return labels;
        }

        private Adapter general;

        Adapter general(long seed) {
            if (general == null) {
                general = suite.general(seed);
            }
            return general;
        }

        LinearGate gate(String module, long seed) {
            return gates.computeIfAbsent(module, m -> fittedGate(inputs(m), labels(), seed));
        }
    }

    /** {@link #routes(String, List, long)} reusing what this seed's other routers computed. */
    private Map<String, ModuleRoute> routes(String router, List<Adapter> adapters, long seed, Fits fits) {
        List<Task<D>> tasks = suite.tasks();
        if (adapters.size() != tasks.size()) {
            throw new LoraException(
                    "lab route: " + adapters.size() + " adapters for " + tasks.size() + " tasks of " + suite.name());
        }
        Adapter cat = router.equals(FLYLORA) || router.equals(RANK_EXPERTS)
                ? Merge.of(adapters).method(Method.CAT).adapter().eval()
                : null;
        Map<String, ModuleRoute> out = new LinkedHashMap<>();
        for (String module : suite.base().modules()) {
            int rank = Route.of(adapters.get(0)).topK(1).prepare(module).ranks()[0];
            ModuleRoute r = switch (router) {
                case FITTED_GATE ->
                    Route.of(adapters).gate(fits.gate(module, seed)).topK(1).prepare(module);
                case PROTOTYPES ->
                    Route.of(adapters)
                            .gate(Gate.prototypes(fits.inputs(module), fits.labels(), tasks.size()))
                            .topK(1)
                            .prepare(module);
                case ARROW ->
                    Route.of(adapters)
                            .gate(Gate.arrow())
                            .topK(Math.min(ARROW_TOP_K, tasks.size()))
                            .prepare(module);
                case ARROW_GKS ->
                    Route.of(adapters)
                            .gate(Gate.arrow().gks(fits.general(seed)))
                            .topK(Math.min(ARROW_TOP_K, tasks.size()))
                            .prepare(module);
                case FLYLORA -> Route.ofRanks(cat).gate(Gate.fly()).topK(rank).prepare(module);
                case RANK_EXPERTS ->
                    Route.ofRanks(cat)
                            .gate(liftedToRanks(fits.gate(module, seed), adapters, module))
                            .topK(Math.min(2 * rank, rank * tasks.size()))
                            .weighting(Weighting.SIGMOID)
                            .prepare(module);
                default -> throw new LoraException("lab route: " + router + " has no per-module routes");
            };
            out.put(module, r);
        }
        return out;
    }

    /** Runs the experiment on one thread (the engine, ND4J/OpenMP and BLAS), so that the same seeds give the same bytes. */
    public RouteReport report() {
        return SingleThread.run(() -> Lora.withOptions(Lora.options().withParallelism(1), this::run));
    }

    private RouteReport run() {
        List<Task<D>> tasks = suite.tasks();
        Evaluation<D> eval = Evaluation.of(suite.base(), tasks);
        int total = seeds * (tasks.size() + routers.size()) + (staticMethods.isEmpty() ? 0 : 1);
        int[] done = {0};
        Runnable step = () -> progress.advanced(++done[0], total);
        SeedTable table = new SeedTable(seeds);
        Map<String, Double> baseAcc = eval.baseAccuracy();
        List<List<Adapter>> adaptersBySeed = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            List<Adapter> adapters = table.taskAdapters(suite, baseAcc, s, step);
            adaptersBySeed.add(adapters);
            Fits fits = new Fits();
            for (String router : routers) {
                Map<String, Double> acc = router.equals(EXAMPLE_ROUTER)
                        ? eval.routedAccuracy(adapters, suite.router(s))
                        : routedAccuracy(routes(router, adapters, s, fits));
                table.record(router, acc, s);
                step.run();
            }
        }
        String best = "";
        if (!staticMethods.isEmpty()) {
            best = bestStatic(eval, adaptersBySeed, table);
            step.run();
        }
        Map<String, RouteReport.MethodResult> results = new LinkedHashMap<>();
        for (String name : table.recorded()) {
            results.put(name, new RouteReport.MethodResult(table.perTask(name), table.mean(name)));
        }
        return new RouteReport(
                suite.name(),
                seeds,
                tasks.stream().map(Task::name).toList(),
                table.perTask(SeedTable.BASE),
                table.perTask(SeedTable.INDIVIDUAL),
                results,
                best);
    }

    /** Test accuracy per task with the given routes in the base. */
    private Map<String, Double> routedAccuracy(Map<String, ModuleRoute> routes) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Task<D> t : suite.tasks()) {
            out.put(t.name(), Evaluation.accuracy(suite.base().predict(t.test(), routes), t.test()));
        }
        return out;
    }

    /** Chooses the merge method and λ on validation (mean over seeds) and records its test accuracies. */
    private String bestStatic(Evaluation<D> eval, List<List<Adapter>> adaptersBySeed, SeedTable table) {
        MergeExperiment<D> merges = MergeExperiment.of(suite);
        double bestValidation = Double.NEGATIVE_INFINITY;
        Method bestMethod = null;
        List<Map<String, Double>> bestTest = null;
        for (Method m : staticMethods) {
            double validation = 0;
            List<Map<String, Double>> test = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                Map<String, DenseMatrix> updates = Evaluation.updates(merges.merged(m, adaptersBySeed.get(s), s));
                double bestLambda = Double.NaN;
                double bestVal = Double.NEGATIVE_INFINITY;
                for (double l : merges.lambdaGrid()) {
                    double v = Evaluation.mean(eval.validationAccuracy(updates, l));
                    if (v > bestVal) {
                        bestVal = v;
                        bestLambda = l;
                    }
                }
                validation += bestVal / seeds;
                test.add(eval.accuracy(updates, bestLambda));
            }
            if (validation > bestValidation) {
                bestValidation = validation;
                bestMethod = m;
                bestTest = test;
            }
        }
        for (int s = 0; s < seeds; s++) {
            table.record(BEST_STATIC, bestTest.get(s), s);
        }
        return bestMethod.id();
    }

    /**
     * The base's module inputs on the first {@link #GATE_EXAMPLES_PER_TASK} examples of every task's training split,
     * tasks concatenated in order.
     */
    private Map<String, Activations> trainingInputs() {
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        Map<String, int[]> sizes = new LinkedHashMap<>();
        for (Task<D> t : suite.tasks()) {
            suite.base().moduleInputs(t.train()).forEach((module, x) -> {
                int rows = Math.min(x.tokens(), GATE_EXAMPLES_PER_TASK);
                float[] first = Arrays.copyOf(x.tensor().toFloatArray(), rows * x.in());
                parts.computeIfAbsent(module, k -> new ArrayList<>()).add(first);
                sizes.merge(module, new int[] {rows, x.in()}, (a, b) -> new int[] {a[0] + b[0], a[1]});
            });
        }
        Map<String, Activations> out = new LinkedHashMap<>();
        parts.forEach((module, list) -> {
            int[] shape = sizes.get(module);
            float[] all = new float[shape[0] * shape[1]];
            int at = 0;
            for (float[] p : list) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            out.put(module, Activations.of(shape[0], shape[1], all));
        });
        return out;
    }

    /** The task index of each example {@link #trainingInputs()} takes, tasks concatenated in order. */
    private int[] taskLabels() {
        List<Task<D>> tasks = suite.tasks();
        int n = tasks.stream()
                .mapToInt(t -> Math.min(t.train().count(), GATE_EXAMPLES_PER_TASK))
                .sum();
        int[] labels = new int[n];
        int at = 0;
        for (int k = 0; k < tasks.size(); k++) {
            int c = Math.min(tasks.get(k).train().count(), GATE_EXAMPLES_PER_TASK);
            Arrays.fill(labels, at, at + c, k);
            at += c;
        }
        return labels;
    }

    private LinearGate fittedGate(Activations x, int[] labels, long seed) {
        return Gate.fit(
                        x,
                        labels,
                        suite.tasks().size(),
                        FitOptions.defaults().withSeed(seed).withMaxIterations(GATE_ITERATIONS))
                .gate();
    }

    /** The task gate with each task's row repeated for every rank unit of its adapter, in concatenation order. */
    private static LinearGate liftedToRanks(LinearGate gate, List<Adapter> adapters, String module) {
        int[] ranks = Route.of(adapters).topK(1).prepare(module).ranks();
        int in = gate.in();
        float[] w = gate.weight().toFloatArray();
        float[] b = gate.bias().map(Tensor::toFloatArray).orElse(new float[gate.experts()]);
        int units = Arrays.stream(ranks).sum();
        float[] lw = new float[units * in];
        float[] lb = new float[units];
        int u = 0;
        for (int e = 0; e < ranks.length; e++) {
            for (int j = 0; j < ranks[e]; j++, u++) {
                System.arraycopy(w, e * in, lw, u * in, in);
                lb[u] = b[e];
            }
        }
        return Gate.linear(
                Tensor.ofFloats(DType.F32, new long[] {units, in}, lw),
                Tensor.ofFloats(DType.F32, new long[] {units}, lb));
    }
}
