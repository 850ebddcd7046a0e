package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.Precision;

/**
 * The plain-Java host products that {@link Backend} defaults to agree with the CPU backend's BLAS calls ({@code dsyrk},
 * {@code sgemm}) on random data, and with a product written out by hand on a 2×3 case.
 */
class HostProductsTest {
    private final Backend cpu = Backends.create("cpu", Precision.F32);

    @Test
    void gramByHand() {
        double[][] g = HostProducts.gram(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {14, 32}, g[0]);
        assertArrayEquals(new double[] {32, 77}, g[1]);
    }

    @Test
    void gramAgreesWithDsyrk() {
        Random rnd = new Random(7);
        double[][] x = new double[37][129];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        double[][] blas = cpu.gramOfRows(x);
        double[][] java = HostProducts.gram(x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                worst = Math.max(worst, Math.abs(blas[i][j] - java[i][j]) / Math.max(1, Math.abs(java[i][j])));
            }
        }
        assertTrue(worst < 1e-12, "dsyrk vs plain Java, relative: " + worst);
    }

    @Test
    void transposeProductAgreesWithSgemm() {
        Random rnd = new Random(11);
        int n = 300;
        int kx = 24;
        int ky = 17;
        float[] x = new float[n * kx];
        float[] y = new float[n * ky];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rnd.nextGaussian();
        }
        float[] blas = cpu.transposeProduct(x, n, kx, y, ky);
        float[] java = HostProducts.transposeProduct(x, n, kx, y, ky);
        double worst = 0;
        for (int i = 0; i < java.length; i++) {
            worst = Math.max(worst, Math.abs(blas[i] - java[i]));
        }
        // each entry sums 300 products of unit Gaussians (|sum| ≈ 17): float rounding is a few 1e-5
        assertTrue(worst < 1e-3, "sgemm vs plain Java (double sums): " + worst);
        assertThrows(IllegalArgumentException.class, () -> HostProducts.transposeProduct(x, n + 1, kx, y, ky));
    }
}
