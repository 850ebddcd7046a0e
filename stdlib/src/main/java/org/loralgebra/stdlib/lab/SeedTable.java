package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralgebra.Adapter;

/**
 * The lab's bookkeeping: accuracies by name (a reference, a method, a router) and task, one value per seed, and each
 * name's mean over tasks per seed; summarized as mean ± standard error over seeds. Mutable, one per experiment run.
 */
final class SeedTable {
    /** The name the base model's accuracies are recorded under (the leading space keeps it apart from methods'). */
    static final String BASE = " base";

    /** The name each task's own adapter's accuracy on its task is recorded under. */
    static final String INDIVIDUAL = " individual";

    private final int seeds;
    private final Map<String, Map<String, double[]>> perTask = new LinkedHashMap<>();
    private final Map<String, double[]> means = new LinkedHashMap<>();

    SeedTable(int seeds) {
        this.seeds = seeds;
    }

    /** Records one seed's accuracy on one task under {@code name}. */
    void put(String name, String task, int seed, double accuracy) {
        perTask.computeIfAbsent(name, k -> new LinkedHashMap<>()).computeIfAbsent(task, k -> new double[seeds])[seed] =
                accuracy;
    }

    /** Records one seed's accuracies by task under {@code name}, and their mean over tasks. */
    void record(String name, Map<String, Double> accuracies, int seed) {
        accuracies.forEach((task, v) -> put(name, task, seed, v));
        means.computeIfAbsent(name, k -> new double[seeds])[seed] = Evaluation.mean(accuracies);
    }

    /**
     * The task adapters of {@code seed} ({@link Suite#adapter}), in task order, recording the references as it goes:
     * the base's accuracy on each task (from {@code baseAccuracy}) under {@link #BASE}, and each adapter's on its own
     * task's test split under {@link #INDIVIDUAL}; {@code step} runs after each task.
     */
    <D extends Examples> List<Adapter> taskAdapters(
            Suite<D> suite, Map<String, Double> baseAccuracy, int seed, Runnable step) {
        List<Adapter> adapters = new ArrayList<>();
        for (Task<D> t : suite.tasks()) {
            Adapter a = suite.adapter(t, seed);
            adapters.add(a);
            put(BASE, t.name(), seed, baseAccuracy.get(t.name()));
            put(INDIVIDUAL, t.name(), seed, suite.base().with(a).accuracy(t.test()));
            step.run();
        }
        return adapters;
    }

    /** The names recorded with {@link #record}, in the order first recorded. */
    Set<String> recorded() {
        return means.keySet();
    }

    /** Mean ± se over seeds per task of {@code name}. */
    Map<String, MeanSe> perTask(String name) {
        Map<String, MeanSe> out = new LinkedHashMap<>();
        perTask.getOrDefault(name, Map.of()).forEach((task, v) -> out.put(task, MeanSe.of(v)));
        return out;
    }

    /** Mean ± se over seeds of {@code name}'s mean over tasks (recorded with {@link #record}). */
    MeanSe mean(String name) {
        return MeanSe.of(means.get(name));
    }
}
