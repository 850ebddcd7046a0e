package org.loralgebra.exec.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS on host arrays, for host-side algorithms whose inner loop is a matrix product (k-means on rank units):
 * a BLAS kernel runs an order of magnitude faster than a Java loop over the same doubles, which the JIT does not
 * vectorize when it sums.
 */
public final class HostBlas {
    static {
        Loader.load(openblas.class);
    }

    private HostBlas() {}

    /**
     * The Gram matrix X·Xᵀ [n, n] of the rows of X (all of length d), in double precision ({@code dsyrk}). The rows
     * are copied once into native memory (a Java array passed through JNI is copied in and back out again).
     */
    public static double[][] gram(double[][] rows) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        double[][] g = new double[n][n];
        if (n == 0 || d == 0) {
            return g;
        }
        try (DoublePointer x = new DoublePointer((long) n * d);
                DoublePointer c = new DoublePointer((long) n * n)) {
            for (int i = 0; i < n; i++) {
                if (rows[i].length != d) {
                    throw new IllegalArgumentException(
                            "gram: row " + i + " has " + rows[i].length + " values, row 0 " + d);
                }
                x.position((long) i * d).put(rows[i], 0, d);
            }
            x.position(0);
            // row-major X·Xᵀ: the upper triangle, then mirrored
            openblas.cblas_dsyrk(
                    openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, d, 1.0, x, d, 0.0, c, n);
            for (int i = 0; i < n; i++) {
                c.position((long) i * n).get(g[i], 0, n);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        return g;
    }
}
