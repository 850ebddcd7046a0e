package org.loralgebra.stdlib.lab;

/** Labelled examples a {@link Model} classifies: images here, token sequences in a text suite. */
public interface Examples {
    /** Number of examples. */
    int count();

    /** The class label of example i. */
    int label(int i);
}
