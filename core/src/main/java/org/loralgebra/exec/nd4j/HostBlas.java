package org.loralgebra.exec.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
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

    /**
     * {@code XᵀY} [kx, ky] row-major, in single precision ({@code sgemm}), for X [n, kx] and Y [n, ky] row-major: the
     * cross products of many thin column blocks at once (the hub's pairwise overlaps). The same inputs give the same
     * bits: one call, one kernel, whatever thread asks.
     */
    public static float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        if (x.length != (long) n * kx || y.length != (long) n * ky) {
            throw new IllegalArgumentException("transposeProduct: X must hold " + n + "x" + kx + " and Y " + n + "x"
                    + ky + " values, got " + x.length + " and " + y.length);
        }
        float[] out = new float[kx * ky];
        if (n == 0 || kx == 0 || ky == 0) {
            return out;
        }
        try (FloatPointer a = new FloatPointer(x);
                FloatPointer b = new FloatPointer(y);
                FloatPointer c = new FloatPointer((long) kx * ky)) {
            openblas.cblas_sgemm(
                    openblas.CblasRowMajor,
                    openblas.CblasTrans,
                    openblas.CblasNoTrans,
                    kx,
                    ky,
                    n,
                    1.0f,
                    a,
                    kx,
                    b,
                    ky,
                    0.0f,
                    c,
                    ky);
            c.get(out);
        }
        return out;
    }
}
