package org.loralgebra.stdlib.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lab's bookkeeping: accuracies by name (a reference, a method, a router) and task, one value per seed, and each
 * name's mean over tasks per seed; summarized as mean ± standard error over seeds. Mutable, one per experiment run.
 */
final class SeedTable {
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
