package org.loralgebra.exec.nd4j;

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

    private HostBlas() {
    }

    /**
     * The Gram matrix X·Xᵀ [n, n] (row-major, both triangles) of the rows of X [n, d], row-major, in double precision
     * ({@code dsyrk}).
     */
    public static double[] gram(double[] x, int n, int d) {
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException("gram: " + x.length + " values for " + n + " rows of " + d);
        }
        double[] g = new double[n * n];
        if (n == 0 || d == 0) {
            return g;
        }
        // row-major X·Xᵀ: the upper triangle, then mirrored
        openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, d, 1.0, x, d, 0.0, g, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                g[i * n + j] = g[j * n + i];
            }
        }
        return g;
    }
}
