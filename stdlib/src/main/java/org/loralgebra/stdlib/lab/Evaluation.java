package org.loralgebra.stdlib.lab;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;

/**
 * Accuracy of any adapter expression on a suite's tasks: the base model with the adapter applied exactly
 * (W + ΔW per module, {@link Model#with(Adapter)}), then the fraction of correct predictions on each task's test (or
 * validation) split. Immutable.
 *
 * @param <D> the examples
 */
public final class Evaluation<D extends Examples> {
    private final Model<D> base;
    private final List<Task<D>> tasks;

    private Evaluation(Model<D> base, List<Task<D>> tasks) {
        this.base = base;
        this.tasks = List.copyOf(tasks);
    }

    /** An evaluation of adapters on {@code base} over the given tasks. */
    public static <D extends Examples> Evaluation<D> of(Model<D> base, List<Task<D>> tasks) {
        return new Evaluation<>(base, tasks);
    }

    /** The tasks, in order. */
    public List<Task<D>> tasks() {
        return tasks;
    }

    /** The base model. */
    public Model<D> base() {
        return base;
    }

    /** Test accuracy of the base model on every task, by task name. */
    public Map<String, Double> baseAccuracy() {
        return per(Task::test, base);
    }

    /** Test accuracy of the base with the adapter applied, on every task, by task name. */
    public Map<String, Double> accuracy(Adapter adapter) {
        return per(Task::test, base.with(adapter));
    }

    /** Validation accuracy of the base with the adapter applied, on every task, by task name. */
    public Map<String, Double> validationAccuracy(Adapter adapter) {
        return per(Task::validation, base.with(adapter));
    }

    /**
     * Test accuracy on every task, by task name, when each example is classified by the base with the one adapter
     * {@code router} picks for it (an index into {@code experts}).
     */
    public Map<String, Double> routedAccuracy(List<Adapter> experts, Suite.Router<D> router) {
        List<Model<D>> models = experts.stream().map(base::with).toList();
        Map<String, Double> out = new LinkedHashMap<>();
        for (Task<D> t : tasks) {
            int[] route = router.route(t.test());
            int[][] byExpert = new int[models.size()][];
            int[] predictions = new int[route.length];
            for (int i = 0; i < route.length; i++) {
                int e = route[i];
                if (byExpert[e] == null) {
                    byExpert[e] = models.get(e).predict(t.test());
                }
                predictions[i] = byExpert[e][i];
            }
            out.put(t.name(), accuracy(predictions, t.test()));
        }
        return out;
    }

    /** Test accuracy of the base with W + λ·ΔW on the updates' modules, on every task, by task name. */
    public Map<String, Double> accuracy(Map<String, DenseMatrix> updates, double lambda) {
        return per(Task::test, base.withUpdates(updates, lambda));
    }

    /** Validation accuracy of the base with W + λ·ΔW on the updates' modules, on every task, by task name. */
    public Map<String, Double> validationAccuracy(Map<String, DenseMatrix> updates, double lambda) {
        return per(Task::validation, base.withUpdates(updates, lambda));
    }

    /** The dense update ΔW of every module of an adapter, by module name (the adapter is evaluated once). */
    public static Map<String, DenseMatrix> updates(Adapter adapter) {
        Map<String, DenseMatrix> out = new LinkedHashMap<>();
        for (String m : adapter.modules()) {
            out.put(m, adapter.dense(m));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The fraction of predictions equal to the examples' labels. */
    public static double accuracy(int[] predictions, Examples examples) {
        if (predictions.length != examples.count()) {
            throw new IllegalArgumentException(
                    predictions.length + " predictions for " + examples.count() + " examples");
        }
        if (predictions.length == 0) {
            throw new IllegalArgumentException("accuracy of no examples");
        }
        int right = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == examples.label(i)) {
                right++;
            }
        }
        return (double) right / predictions.length;
    }

    /** The arithmetic mean of a task → accuracy map. */
    public static double mean(Map<String, Double> accuracies) {
        return accuracies.values().stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
    }

    private Map<String, Double> per(Function<Task<D>, D> split, Model<D> model) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Task<D> t : tasks) {
            out.put(t.name(), model.accuracy(split.apply(t)));
        }
        return Collections.unmodifiableMap(out);
    }
}
