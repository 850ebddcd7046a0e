package org.loralgebra.exec;

/**
 * An immutable dense matrix held by a {@link Backend}. Its storage and element type belong to the backend;
 * only that backend's operations accept it.
 */
public interface Matrix {
    /** Number of rows. */
    int rows();

    /** Number of columns. */
    int cols();

    /** Storage size in bytes. */
    long byteSize();
}
