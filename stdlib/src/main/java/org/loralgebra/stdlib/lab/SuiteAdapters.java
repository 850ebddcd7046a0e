package org.loralgebra.stdlib.lab;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.loralgebra.Adapter;
import org.loralgebra.lang.LoraException;

/**
 * The adapters a {@link Suite} trains for one seed s, on which examples and with which training seed: task k's
 * adapter on its training split (training seed 31·s + k), the joint adapter on every task's training split together
 * at twice the rank and alpha (31·s + tasks), the general adapter on the base's own domain (31·s + tasks + 1). How
 * one adapter is trained and cached is the suite's {@link Trainer}.
 *
 * @param <D> the examples
 */
final class SuiteAdapters<D extends Examples> {
    /** Trains one adapter, or reads it from the suite's cache. */
    @FunctionalInterface
    interface Trainer<D> {
        /**
         * The adapter {@code what} ({@code task=NAME}, {@code task=joint} or {@code task=general}) for {@code seed},
         * trained when it is not cached on {@code data} (asked for only then) with {@code trainingSeed}.
         */
        Adapter train(String what, Supplier<D> data, int rank, double alpha, long seed, long trainingSeed);
    }

    private final String suite;
    private final List<Task<D>> tasks;
    private final BinaryOperator<D> concat;
    private final D general;
    private final int rank;
    private final double alpha;
    private final Trainer<D> trainer;

    /**
     * The adapters of suite {@code suite} on {@code tasks}, of rank {@code rank} and {@code alpha}; {@code concat}
     * joins two sets of examples (the joint adapter's data), {@code general} is the general adapter's data.
     */
    SuiteAdapters(
            String suite,
            List<Task<D>> tasks,
            BinaryOperator<D> concat,
            D general,
            int rank,
            double alpha,
            Trainer<D> trainer) {
        this.suite = suite;
        this.tasks = List.copyOf(tasks);
        this.concat = concat;
        this.general = general;
        this.rank = rank;
        this.alpha = alpha;
        this.trainer = trainer;
    }

    /** {@link Suite#adapter}: trained on {@code task}'s training split with training seed 31·seed + k. */
    Adapter task(Task<D> task, long seed) {
        int k = tasks.indexOf(task);
        if (k < 0) {
            throw new LoraException("task " + task.name() + " is not a task of suite " + suite);
        }
        return trainer.train("task=" + task.name(), task::train, rank, alpha, seed, seed * 31 + k);
    }

    /** {@link Suite#joint}: every task's training split in order, twice the rank and alpha. */
    Adapter joint(long seed) {
        Supplier<D> all = () -> {
            D joined = tasks.get(0).train();
            for (int k = 1; k < tasks.size(); k++) {
                joined = concat.apply(joined, tasks.get(k).train());
            }
            return joined;
        };
        return trainer.train("task=joint", all, 2 * rank, 2 * alpha, seed, seed * 31 + tasks.size());
    }

    /** {@link Suite#general}: the base's own domain, the task adapters' rank and alpha. */
    Adapter general(long seed) {
        return trainer.train("task=general", () -> general, rank, alpha, seed, seed * 31 + tasks.size() + 1);
    }
}
