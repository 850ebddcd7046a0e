package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host Gram matrix against a plain triple loop. */
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
}
