package org.loralgebra.exec;

/**
 * Where a rows×cols matrix's top singular vectors are expected to lie: near the column space of {@code left}
 * (rows×width) and the row space of {@code right} (width×cols), both row-major host doubles — such as the stacked
 * factors [B₁ … Bₙ] and [A₁; …; Aₙ] of the low-rank updates a dense merge combined. A randomized SVD may start from
 * these directions ({@link Backend#topSvdOfRows(int, int, Backend.RowFill, int, SpanHint)}); a hint changes how fast it
 * converges, never what it converges to.
 */
public record SpanHint(int rows, int cols, int width, double[] left, double[] right) {
    public SpanHint {
        if (rows < 1 || cols < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "a span hint of " + width + " directions for a " + rows + "x" + cols + " matrix");
        }
        if (left.length != (long) rows * width || right.length != (long) width * cols) {
            throw new IllegalArgumentException("a span hint for a " + rows + "x" + cols + " matrix of width " + width
                    + " needs " + rows + "x" + width + " and " + width + "x" + cols + " values, got " + left.length
                    + " and " + right.length);
        }
    }

    /** The column-space directions as a column-major rows×width array (left's transpose layout). */
    public double[] leftColumnMajor() {
        double[] out = new double[left.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                out[i + j * rows] = left[i * width + j];
            }
        }
        return out;
    }

    /** The row-space directions as a column-major cols×width array: right's row-major values as they are. */
    public double[] rightColumnMajor() {
        return right;
    }
}
