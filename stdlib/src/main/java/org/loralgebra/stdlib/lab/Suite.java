package org.loralgebra.stdlib.lab;

import java.util.List;
import org.loralgebra.Adapter;

/**
 * A set of tasks on one base model, with a LoRA adapter trained per task and seed, and a router that picks a task
 * per example. The Fashion-MNIST image suite is {@link FashionMnistSuite}.
 *
 * @param <D> the examples
 */
public interface Suite<D extends Examples> {
    /** The suite's name ({@code fmnist}). */
    String name();

    /** The base model (trained once, with fixed seeds, and cached). */
    Model<D> base();

    /** The tasks, in order. */
    List<Task<D>> tasks();

    /**
     * The adapter trained on {@code task}'s training split with {@code seed}, read from its PEFT folder (trained
     * first, and cached, when absent).
     */
    Adapter adapter(Task<D> task, long seed);

    /**
     * The adapter trained with {@code seed} on every task's training split together (the model's adapter that
     * unlearning edits), read from its PEFT folder (trained first, and cached, when absent).
     */
    Adapter joint(long seed);

    /**
     * A general-knowledge adapter trained with {@code seed} on the base's own domain (no task), of the task adapters'
     * rank and alpha: what GenKnowSub subtracts from the task adapters before Arrow routes them.
     */
    Adapter general(long seed);

    /**
     * Examples of the base's own domain, in no task (the control of unlearning: what a model knew before any
     * adapter), disjoint from the training data.
     */
    D control();

    /** A router trained with {@code seed} on the tasks' training splits: for each example, the index of a task. */
    Router<D> router(long seed);

    /** Picks one task per example. */
    @FunctionalInterface
    interface Router<D extends Examples> {
        /** The index (in {@link Suite#tasks()}) of the task each example is routed to. */
        int[] route(D examples);
    }
}
