package org.loralgebra;

import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.lang.LoraException;

/**
 * A materialized matrix in double precision, row-major: what {@code dense(module)} and decompositions hand
 * to users. Small immutable value; its operations are plain and exact in double precision, except
 * {@link #singularValues()}, which runs a dense SVD (LAPACK gesdd) and is as costly as that is.
 */
public final class DenseMatrix {
    private final int rows;
    private final int cols;
    private final double[] values;

    /** A matrix of row-major values (copied). */
    public DenseMatrix(int rows, int cols, double[] values) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException(
                    rows + "x" + cols + " matrix needs " + (long) rows * cols + " values, got " + values.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.values = values.clone();
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        return values[i * cols + j];
    }

    /** Row-major values (a copy). */
    public double[] toArray() {
        return values.clone();
    }

    /** The Frobenius norm. */
    public double frobeniusNorm() {
        double s = 0;
        for (double v : values) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** this − other. */
    public DenseMatrix minus(DenseMatrix other) {
        checkSameShape(other);
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] - other.values[i];
        }
        return new DenseMatrix(rows, cols, out);
    }

    /** this + other. */
    public DenseMatrix plus(DenseMatrix other) {
        checkSameShape(other);
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] + other.values[i];
        }
        return new DenseMatrix(rows, cols, out);
    }

    /** factor·this. */
    public DenseMatrix times(double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = factor * values[i];
        }
        return new DenseMatrix(rows, cols, out);
    }

    /** thisᵀ. */
    public DenseMatrix transpose() {
        double[] out = new double[values.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = values[i * cols + j];
            }
        }
        return new DenseMatrix(cols, rows, out);
    }

    /** Singular values, descending, by a dense SVD (the expensive path, explicit). */
    public double[] singularValues() {
        Backend be = Engine.current().backend();
        return be.singularValues(be.fromRowMajor(rows, cols, values));
    }

    private void checkSameShape(DenseMatrix other) {
        if (rows != other.rows || cols != other.cols) {
            throw new LoraException(
                    "matrix shapes differ: " + rows + "x" + cols + " and " + other.rows + "x" + other.cols);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseMatrix m && rows == m.rows && cols == m.cols && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return (rows * 31 + cols) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DenseMatrix[%dx%d, ‖·‖F=%.6g]", rows, cols, frobeniusNorm());
    }
}
