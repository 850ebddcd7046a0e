package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.Adapter;
import org.loralgebra.AdapterSummary;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.unlearn.Pruning;
import org.loralgebra.stdlib.unlearn.Unlearn;

/**
 * The unlearning experiment of {@code lora lab unlearn}: the model is the base with the joint adapter (trained on
 * every task at once, {@link Suite#joint}); one task is forgotten with {@link Unlearn}, its own adapter as the forget
 * adapter and the exact sum of the other tasks' adapters as the retain adapter, over a grid of λ × protect rank ×
 * pruning. Each row reports test accuracy on the forgotten task ({@code forget}, lower is better), the mean over the
 * retained tasks ({@code retain}) and on the base's own domain ({@code control}), mean ± se over seeds; the base and
 * the joint model (before unlearning) are the references. Protect rank 0 is plain negation: the model's adapter minus
 * λ times the forget adapter (after pruning). Immutable; {@link #report()} runs it.
 *
 * <pre>{@code
 * ForgettingReport r = UnlearnExperiment.of(FashionMnistSuite.of(Settings.full())).seeds(3).report();
 * }</pre>
 *
 * <p>Defaults: forget the first task; λ ∈ {0.5, 1, 2, 3}; protect rank ∈ {0, r, all} (r a task adapter's rank, all the
 * retain adapter's whole rank); pruning: none (every direction, reported as prune rank r and pruning {@code none}),
 * the top r/2 by energy, the r/2 least overlapping the retain subspace.
 *
 * @param <D> the suite's examples
 */
public final class UnlearnExperiment<D extends Examples> {
    /** A protect rank that means the retain adapter's whole rank. */
    public static final int ALL = Unlearn.ALL;

    /** One pruning setting: how many directions of the forget update are negated, and which. */
    public record PruneSetting(int rank, Pruning pruning) {
        /** Checks the rank. */
        public PruneSetting {
            if (rank < 1) {
                throw new LoraException("lab unlearn: prune rank must be ≥ 1, got " + rank);
            }
        }
    }

    private final Suite<D> suite;
    private final int seeds;
    private final int forget;
    private final double[] lambdas;
    private final int[] protectRanks;
    private final List<PruneSetting> prunings;
    private final Progress progress;

    private UnlearnExperiment(
            Suite<D> suite,
            int seeds,
            int forget,
            double[] lambdas,
            int[] protectRanks,
            List<PruneSetting> prunings,
            Progress progress) {
        this.suite = suite;
        this.seeds = seeds;
        this.forget = forget;
        this.lambdas = lambdas;
        this.protectRanks = protectRanks;
        this.prunings = prunings == null ? null : List.copyOf(prunings);
        this.progress = progress;
    }

    /** The experiment on a suite with the defaults above, 1 seed. */
    public static <D extends Examples> UnlearnExperiment<D> of(Suite<D> suite) {
        return new UnlearnExperiment<>(suite, 1, 0, new double[] {0.5, 1, 2, 3}, null, null, Progress.NONE);
    }

    /** How many seeds (0 … n − 1), at least 1. */
    public UnlearnExperiment<D> seeds(int n) {
        if (n < 1) {
            throw new LoraException("lab unlearn: seeds must be at least 1, got " + n);
        }
        return new UnlearnExperiment<>(suite, n, forget, lambdas, protectRanks, prunings, progress);
    }

    /** The task to forget, by name. */
    public UnlearnExperiment<D> forget(String task) {
        List<String> names = suite.tasks().stream().map(Task::name).toList();
        int k = names.indexOf(task);
        if (k < 0) {
            throw new LoraException(
                    "lab unlearn: no task '" + task + "' in suite " + suite.name() + " (its tasks: " + names + ")");
        }
        return new UnlearnExperiment<>(suite, seeds, k, lambdas, protectRanks, prunings, progress);
    }

    /** The λ grid (each finite and > 0). */
    public UnlearnExperiment<D> lambdas(double... grid) {
        if (grid.length == 0 || Arrays.stream(grid).anyMatch(l -> !(l > 0) || Double.isInfinite(l))) {
            throw new LoraException("lab unlearn: lambdas must be finite and > 0, got " + Arrays.toString(grid));
        }
        return new UnlearnExperiment<>(suite, seeds, forget, grid.clone(), protectRanks, prunings, progress);
    }

    /** The protect ranks (each ≥ 0; 0 is plain negation, {@link #ALL} the retain adapter's whole rank). */
    public UnlearnExperiment<D> protectRanks(int... ranks) {
        if (ranks.length == 0 || Arrays.stream(ranks).anyMatch(r -> r < 0)) {
            throw new LoraException("lab unlearn: protect ranks must be ≥ 0, got " + Arrays.toString(ranks));
        }
        return new UnlearnExperiment<>(suite, seeds, forget, lambdas, ranks.clone(), prunings, progress);
    }

    /** The pruning settings ({@link Unlearn#ALL} as the rank: every direction). */
    public UnlearnExperiment<D> prunings(PruneSetting... settings) {
        if (settings.length == 0) {
            throw new LoraException("lab unlearn: at least one pruning setting needed");
        }
        return new UnlearnExperiment<>(suite, seeds, forget, lambdas, protectRanks, List.of(settings), progress);
    }

    /** Hears of each step (an adapter read, a row evaluated). */
    public UnlearnExperiment<D> progress(Progress p) {
        return new UnlearnExperiment<>(suite, seeds, forget, lambdas, protectRanks, prunings, p);
    }

    /**
     * The model's adapter after unlearning: the joint adapter plus the unlearning update of the forget task's
     * adapter, protected by the retain tasks' exact sum.
     */
    public static Adapter unlearned(
            Adapter joint,
            Adapter forgetAdapter,
            Adapter retainSum,
            double lambda,
            int protectRank,
            PruneSetting prune) {
        return Unlearn.of(forgetAdapter)
                .retain(retainSum)
                .lambda(lambda)
                .protectRank(protectRank)
                .pruneRank(prune.rank())
                .pruning(prune.pruning())
                .onto(joint)
                .adapter();
    }

    /** Runs the experiment on one thread (the engine, ND4J/OpenMP and BLAS), so that the same seeds give the same bytes. */
    public ForgettingReport report() {
        return SingleThread.run(() -> Lora.withOptions(Lora.options().withParallelism(1), this::run));
    }

    private ForgettingReport run() {
        List<Task<D>> tasks = suite.tasks();
        Task<D> forgotten = tasks.get(forget);
        List<Task<D>> retained = new ArrayList<>(tasks);
        retained.remove(forget);
        List<RowKey> keys = new ArrayList<>();
        int rank = 0;
        int total = 0;
        double[][][] measured = null;
        double[][] base = new double[3][seeds];
        double[][] joint = new double[3][seeds];
        for (int s = 0; s < seeds; s++) {
            Adapter model = suite.joint(s);
            Adapter forgetAdapter = suite.adapter(forgotten, s);
            List<Adapter> retainAdapters = new ArrayList<>();
            for (Task<D> t : retained) {
                retainAdapters.add(suite.adapter(t, s));
            }
            Adapter retainSum =
                    Merge.of(retainAdapters).method(Method.CAT).adapter().eval();
            int r = forgetAdapter.summary().rows().stream()
                    .mapToInt(AdapterSummary.Row::rank)
                    .max()
                    .orElseThrow();
            if (keys.isEmpty()) {
                rank = r;
                keys = rowKeys(r);
                total = seeds * (keys.size() + 2);
                measured = new double[keys.size()][3][seeds];
            }
            int done = s * (keys.size() + 2);
            put(base, s, measure(suite.base(), forgotten, retained));
            progress.advanced(++done, total);
            put(joint, s, measure(suite.base().with(model), forgotten, retained));
            progress.advanced(++done, total);
            for (int i = 0; i < keys.size(); i++) {
                RowKey k = keys.get(i);
                Adapter after = unlearned(model, forgetAdapter, retainSum, k.lambda(), k.protectRank(), k.prune());
                put(measured[i], s, measure(suite.base().with(after), forgotten, retained));
                progress.advanced(++done, total);
            }
        }
        List<ForgettingReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            RowKey k = keys.get(i);
            rows.add(new ForgettingReport.Row(
                    k.lambda(),
                    k.protectRank(),
                    k.prune().rank() == Unlearn.ALL ? rank : k.prune().rank(),
                    k.prune().rank() == Unlearn.ALL
                            ? "none"
                            : k.prune().pruning().describe(),
                    ForgettingReport.Accuracies.of(measured[i])));
        }
        return new ForgettingReport(
                suite.name(),
                seeds,
                forgotten.name(),
                retained.stream().map(Task::name).toList(),
                ForgettingReport.Accuracies.of(base),
                ForgettingReport.Accuracies.of(joint),
                rows);
    }

    private record RowKey(double lambda, int protectRank, PruneSetting prune) {}

    /** The grid, with the defaults resolved for task adapters of rank r (3 × r for "all" with three retained). */
    private List<RowKey> rowKeys(int r) {
        int retainRank = r * (suite.tasks().size() - 1);
        int[] protect = protectRanks != null ? protectRanks : new int[] {0, r, retainRank};
        List<PruneSetting> prune = prunings != null
                ? prunings
                : List.of(
                        new PruneSetting(Unlearn.ALL, Pruning.parse("energy")),
                        new PruneSetting(Math.max(1, r / 2), Pruning.parse("energy")),
                        new PruneSetting(Math.max(1, r / 2), Pruning.parse("least-overlap")));
        List<RowKey> keys = new ArrayList<>();
        for (double l : lambdas) {
            for (int p : protect) {
                for (PruneSetting ps : prune) {
                    keys.add(new RowKey(l, p == ALL ? retainRank : p, ps));
                }
            }
        }
        return keys;
    }

    /** Forget-task, mean retained-task and control accuracy of a model. */
    private double[] measure(Model<D> model, Task<D> forgotten, List<Task<D>> retained) {
        double f = model.accuracy(forgotten.test());
        double r = 0;
        for (Task<D> t : retained) {
            r += model.accuracy(t.test()) / retained.size();
        }
        return new double[] {f, r, model.accuracy(suite.control())};
    }

    private static void put(double[][] into, int seed, double[] values) {
        for (int i = 0; i < values.length; i++) {
            into[i][seed] = values[i];
        }
    }
}
