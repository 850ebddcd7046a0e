package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused row product gives the bits of r plain AXPYs per row in order (what the bake and the dense merges have
 * always computed), for ranks that are and are not multiples of four, zero factors, and any block of rows; and it is
 * the product to double rounding.
 */
class RowMajorProductTest {
    /** Row i of factor·B·A as r AXPYs in order, skipping zero factors: the definition the fused loop must match. */
    private static double[] plainAxpys(int r, int n, double[] b, double[] a, double factor, int i) {
        double[] row = new double[n];
        for (int k = 0; k < r; k++) {
            double c = factor * b[i * r + k];
            if (c == 0) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                row[j] += c * a[k * n + j];
            }
        }
        return row;
    }

    @Test
    void everyRowOfEveryBlockHasTheBitsOfPlainAxpys() {
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 37;
        int n = 53;
        for (int r : new int[] {1, 3, 4, 5, 8, 16, 17}) {
            double[] b = new double[m * r];
            double[] a = new double[r * n];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextInt(5) == 0 ? 0.0 : rnd.nextGaussian(); // zero factors in some groups of four
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-8, 8)); // wide range: order matters
            }
            int from = 5;
            int to = 31;
            double[] dst = new double[(to - from) * n];
            RowMajorProduct.rows(r, n, b, a, -0.7, from, to, dst);
            double worst = 0;
            for (int i = from; i < to; i++) {
                double[] expected = plainAxpys(r, n, b, a, -0.7, i);
                for (int j = 0; j < n; j++) {
                    double got = dst[(i - from) * n + j];
                    assertEquals(
                            Double.doubleToRawLongBits(expected[j]),
                            Double.doubleToRawLongBits(got),
                            "r " + r + " row " + i + " column " + j + ": " + got + " vs AXPYs " + expected[j]);
                    double exact = 0;
                    double size = 0;
                    for (int k = 0; k < r; k++) {
                        exact += -0.7 * b[i * r + k] * a[k * n + j];
                        size += Math.abs(0.7 * b[i * r + k] * a[k * n + j]);
                    }
                    worst = Math.max(worst, Math.abs(got - exact) / Math.max(size, Double.MIN_NORMAL));
                }
            }
            assertTrue(worst < 1e-14, "r " + r + ": error relative to Σ|terms| " + worst);
        }
    }

    @Test
    void oneRowIntoALongerScratchHasTheBitsOfTheBlockAndLeavesTheRestAlone() {
        SplittableRandom rnd = new SplittableRandom(9);
        int m = 11;
        int n = 29;
        int r = 6;
        double[] b = rnd.doubles(m * r).map(x -> x - 0.5).toArray();
        double[] a = rnd.doubles(r * n).map(x -> x - 0.5).toArray();
        RowMajorProduct p = RowMajorProduct.of(r, n, b, a, 1.3);
        double[] block = new double[m * n];
        p.rows(0, m, block);
        for (int i = 0; i < m; i++) {
            double[] row = new double[n + 3];
            row[n] = 42;
            p.row(i, row);
            double[] expected = plainAxpys(r, n, b, a, 1.3, i);
            for (int j = 0; j < n; j++) {
                assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(row[j]), "row " + i);
                assertEquals(Double.doubleToRawLongBits(block[i * n + j]), Double.doubleToRawLongBits(row[j]));
            }
            assertArrayEquals(new double[] {42, 0, 0}, new double[] {row[n], row[n + 1], row[n + 2]}, "past n");
        }
    }

    @Test
    void factorsOfTheWrongSizeAreRefusedWithTheirSizes() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RowMajorProduct.of(4, 10, new double[8], new double[39], 1));
        assertTrue(e.getMessage().contains("4x10") && e.getMessage().contains("39"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowMajorProduct.of(4, 10, new double[7], new double[40], 1));
    }
}
