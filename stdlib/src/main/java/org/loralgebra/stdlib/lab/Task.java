package org.loralgebra.stdlib.lab;

/**
 * One task of a suite: a name and three disjoint splits (adapters train on {@code train}, hyperparameters such as a
 * merge's λ are chosen on {@code validation}, reported accuracies come from {@code test}).
 *
 * @param <D> the examples
 */
public record Task<D extends Examples>(String name, D train, D validation, D test) {}
