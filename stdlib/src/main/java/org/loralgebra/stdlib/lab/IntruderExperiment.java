package org.loralgebra.stdlib.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.analysis.IntruderReduction;
import org.loralgebra.stdlib.analysis.ReduceIntruders;

/**
 * The intruder experiment of {@code lora lab intruders}: every task adapter of the suite is reduced with
 * {@link ReduceIntruders} (PEFT's defaults k = 10, ε = 0.5) over a grid of λ, and each reduced adapter is scored on its
 * own task ({@code task}) and on the base's own domain ({@code base_task}: the forgetting intruder reduction is meant to
 * recover). λ = 1 keeps the intruders (only the rank-r refit, which changes nothing for a rank-r update); λ = 0 removes
 * them. The base and the unreduced adapters are the references. Immutable; {@link #report()} runs it.
 *
 * <p>The base is written once per run as a checkpoint ({@link Mlp#saveCheckpoint}) in a temporary folder that is
 * deleted afterwards, since {@link ReduceIntruders} reads base weights as {@code lora analyze intruders} does.
 *
 * @param <D> the suite's examples
 */
public final class IntruderExperiment<D extends Examples> {
    private final Suite<D> suite;
    private final int seeds;
    private final double[] lambdas;
    private final Progress progress;

    private IntruderExperiment(Suite<D> suite, int seeds, double[] lambdas, Progress progress) {
        this.suite = suite;
        this.seeds = seeds;
        this.lambdas = lambdas;
        this.progress = progress;
    }

    /** The experiment on a suite: λ ∈ {1, 0.75, 0.5, 0.25, 0}, 1 seed. */
    public static <D extends Examples> IntruderExperiment<D> of(Suite<D> suite) {
        if (!(suite.base() instanceof Mlp)) {
            throw new LoraException("lab intruders: suite " + suite.name() + " has no base weights to compare with");
        }
        return new IntruderExperiment<>(suite, 1, new double[] {1, 0.75, 0.5, 0.25, 0}, Progress.NONE);
    }

    /** How many seeds (0 … n − 1), at least 1. */
    public IntruderExperiment<D> seeds(int n) {
        if (n < 1) {
            throw new LoraException("lab intruders: seeds must be at least 1, got " + n);
        }
        return new IntruderExperiment<>(suite, n, lambdas, progress);
    }

    /** The λ grid (finite values; PEFT's default is 0.75). */
    public IntruderExperiment<D> lambdas(double... grid) {
        if (grid.length == 0 || Arrays.stream(grid).anyMatch(l -> !Double.isFinite(l))) {
            throw new LoraException("lab intruders: lambdas must be finite, got " + Arrays.toString(grid));
        }
        return new IntruderExperiment<>(suite, seeds, grid.clone(), progress);
    }

    /** Hears of each step (an adapter read, a λ evaluated). */
    public IntruderExperiment<D> progress(Progress p) {
        return new IntruderExperiment<>(suite, seeds, lambdas, p);
    }

    /** Runs the experiment on one thread (the engine, ND4J/OpenMP and BLAS), so that the same seeds give the same bytes. */
    public IntruderReport report() {
        Path folder;
        try {
            folder = Files.createTempDirectory("lora-lab-base-");
        } catch (IOException e) {
            throw new UncheckedIOException("lab intruders: cannot create a temporary folder", e);
        }
        try {
            ((Mlp) suite.base()).saveCheckpoint(folder);
            Checkpoint base = Checkpoint.open(folder);
            return SingleThread.run(() -> Lora.withOptions(Lora.options().withParallelism(1), () -> run(base)));
        } finally {
            deleteQuietly(folder);
        }
    }

    private IntruderReport run(Checkpoint checkpoint) {
        List<Task<D>> tasks = suite.tasks();
        int total = seeds * tasks.size() * (lambdas.length + 1);
        int done = 0;
        double[][] task = new double[lambdas.length][seeds];
        double[][] baseTask = new double[lambdas.length][seeds];
        double[][] intruders = new double[lambdas.length][seeds];
        double[] adapterTask = new double[seeds];
        double[] adapterBaseTask = new double[seeds];
        double[] baseOnTasks = new double[seeds];
        double baseOnControl = suite.base().accuracy(suite.control());
        int n = tasks.size();
        for (int s = 0; s < seeds; s++) {
            for (Task<D> t : tasks) {
                Adapter a = suite.adapter(t, s);
                Model<D> adapted = suite.base().with(a);
                adapterTask[s] += adapted.accuracy(t.test()) / n;
                adapterBaseTask[s] += adapted.accuracy(suite.control()) / n;
                baseOnTasks[s] += suite.base().accuracy(t.test()) / n;
                progress.advanced(++done, total);
                for (int i = 0; i < lambdas.length; i++) {
                    ReduceIntruders.Reduced r =
                            ReduceIntruders.of(checkpoint, a).lambda(lambdas[i]).evaluate();
                    IntruderReduction measured = r.report();
                    Model<D> reduced = suite.base().with(r.adapter());
                    task[i][s] += reduced.accuracy(t.test()) / n;
                    baseTask[i][s] += reduced.accuracy(suite.control()) / n;
                    intruders[i][s] += (double) measured.total() / n;
                    progress.advanced(++done, total);
                }
            }
        }
        List<IntruderReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < lambdas.length; i++) {
            rows.add(new IntruderReport.Row(
                    lambdas[i], MeanSe.of(intruders[i]).mean(), MeanSe.of(task[i]), MeanSe.of(baseTask[i])));
        }
        double[] control = new double[seeds];
        Arrays.fill(control, baseOnControl);
        return new IntruderReport(
                suite.name(),
                seeds,
                tasks.stream().map(Task::name).toList(),
                new IntruderReport.Reference(MeanSe.of(baseOnTasks), MeanSe.of(control)),
                new IntruderReport.Reference(MeanSe.of(adapterTask), MeanSe.of(adapterBaseTask)),
                rows);
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing the experiment for
        }
    }
}
