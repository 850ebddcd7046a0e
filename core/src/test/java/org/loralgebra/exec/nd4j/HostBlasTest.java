package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host Gram matrix and cross products against plain triple loops in double precision. */
class HostBlasTest {
    @Test
    void gramIsEveryPairwiseDotProductSymmetric() {
        Random rnd = new Random(4);
        for (int[] shape : new int[][] {{1, 1}, {7, 300}, {64, 1029}}) {
            double[][] x = new double[shape[0]][shape[1]];
            for (double[] row : x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextGaussian();
                }
            }
            double[][] g = HostBlas.gram(x);
            for (int i = 0; i < x.length; i++) {
                for (int k = 0; k < x.length; k++) {
                    double dot = 0;
                    for (int j = 0; j < shape[1]; j++) {
                        dot += x[i][j] * x[k][j];
                    }
                    assertEquals(
                            dot, g[i][k], 1e-12 * shape[1], "G[" + i + "][" + k + "] of " + shape[0] + "x" + shape[1]);
                    assertEquals(g[k][i], g[i][k], 0.0, "symmetric");
                }
            }
        }
        assertEquals(0, HostBlas.gram(new double[0][]).length);
        assertThrows(IllegalArgumentException.class, () -> HostBlas.gram(new double[][] {{1, 2}, {3}}));
    }

    @Test
    void transposeProductIsEveryColumnPairsDotProduct() {
        Random rnd = new Random(5);
        for (int[] shape : new int[][] {{1, 1, 1}, {768, 24, 16}, {50, 3, 9}}) {
            int n = shape[0];
            int kx = shape[1];
            int ky = shape[2];
            float[] x = new float[n * kx];
            float[] y = new float[n * ky];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) rnd.nextGaussian();
            }
            float[] g = HostBlas.transposeProduct(x, n, kx, y, ky);
            double worst = 0;
            for (int a = 0; a < kx; a++) {
                for (int b = 0; b < ky; b++) {
                    double dot = 0;
                    for (int r = 0; r < n; r++) {
                        dot += (double) x[r * kx + a] * y[r * ky + b];
                    }
                    worst = Math.max(worst, Math.abs(dot - g[a * ky + b]) / Math.sqrt(n));
                }
            }
            // float32 sums of n products of N(0,1) entries: errors of order 1e-7·n against a sum of size √n
            assertEquals(0, worst, 1e-5 * Math.sqrt(n), "worst |XᵀY − dense| / √n for " + n + "x" + kx + "·" + ky);
        }
        assertEquals(0, HostBlas.transposeProduct(new float[0], 0, 3, new float[0], 2)[0]);
        assertThrows(
                IllegalArgumentException.class, () -> HostBlas.transposeProduct(new float[5], 2, 3, new float[4], 2));
    }
}
