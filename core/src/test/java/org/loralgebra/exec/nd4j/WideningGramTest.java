package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked double-precision Gram matrices of float matrices against plain loops over the same floats in double:
 * shapes on both sides of a block boundary (8192 doubles a block), one block, a single row or column.
 */
class WideningGramTest {
    @Test
    void gramOfTheColumnsIsEveryColumnPairsDotProductInDouble() {
        checkAgainstLoops(new Random(11), true, new int[][] {
            {1, 1}, {1, 16}, {511, 16}, {512, 16}, {513, 16}, {4096, 16}, {1200, 7}, {100, 512}, {37, 300}
        });
    }

    @Test
    void gramOfTheRowsIsEveryRowPairsDotProductInDouble() {
        checkAgainstLoops(new Random(12), false, new int[][] {
            {1, 1}, {16, 1}, {16, 511}, {16, 512}, {16, 513}, {16, 11008}, {7, 1200}, {512, 100}, {300, 37}
        });
    }

    /** Each rows×cols shape's Gram matrix (of the columns, or of the rows) against {@link #dot} on the same floats. */
    private static void checkAgainstLoops(Random rnd, boolean columns, int[][] shapes) {
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = gaussian(rnd, rows * cols);
            double[] g = columns
                    ? WideningGram.ofColumns(buffer(x), rows, cols)
                    : WideningGram.ofRows(buffer(x), rows, cols);
            assertMatches(
                    g,
                    columns ? cols : rows,
                    (i, j) -> dot(x, rows, cols, i, j, columns),
                    rows + "x" + cols + (columns ? " columns" : " rows"));
        }
    }

    @Test
    void theSameInputGivesTheSameBitsAndLeavesItUntouched() {
        float[] x = gaussian(new Random(13), 3000 * 16);
        float[] before = x.clone();
        FloatBuffer b = buffer(x);
        double[] first = WideningGram.ofColumns(b, 3000, 16);
        assertArrayEquals(first, WideningGram.ofColumns(b, 3000, 16));
        float[] after = new float[x.length];
        b.get(0, after);
        assertArrayEquals(before, after, "the input buffer is only read");
    }

    @Test
    void aShapeItCannotServeIsRefusedWithTheShape() {
        FloatBuffer b = buffer(new float[10]);
        String m = assertThrows(IllegalArgumentException.class, () -> WideningGram.ofColumns(b, 4, 3))
                .getMessage();
        assertTrue(m.contains("4x3") && m.contains("10 floats"), m);
        assertThrows(IllegalArgumentException.class, () -> WideningGram.ofColumns(buffer(new float[600]), 1, 600));
        assertThrows(IllegalArgumentException.class, () -> WideningGram.ofRows(b, 0, 1));
    }

    private interface Entry {
        double at(int i, int j);
    }

    private static void assertMatches(double[] g, int n, Entry expected, String what) {
        assertEquals(n * n, g.length, what);
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double e = expected.at(i, j);
                worst = Math.max(worst, Math.abs(g[i * n + j] - e));
                scale = Math.max(scale, Math.abs(e));
                assertEquals(g[j * n + i], g[i * n + j], 0.0, what + ": symmetric at " + i + "," + j);
            }
        }
        assertTrue(worst <= 1e-12 * scale, what + ": worst error " + worst + " of " + scale);
    }

    /** The dot product of two columns (or two rows) of the row-major rows×cols x, products of floats in double. */
    private static double dot(float[] x, int rows, int cols, int i, int j, boolean columns) {
        double s = 0;
        int length = columns ? rows : cols;
        for (int k = 0; k < length; k++) {
            s += columns ? (double) x[k * cols + i] * x[k * cols + j] : (double) x[i * cols + k] * x[j * cols + k];
        }
        return s;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** A direct buffer in native order, as ND4J's are. */
    private static FloatBuffer buffer(float[] x) {
        FloatBuffer b = ByteBuffer.allocateDirect(Math.max(4, x.length * 4))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        b.put(x).flip();
        return b;
    }
}
