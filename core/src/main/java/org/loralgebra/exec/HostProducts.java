package org.loralgebra.exec;

/**
 * The host products of {@link Backend} in plain Java, its default implementations: what a backend without a host
 * BLAS (a device backend, a test backend) computes them with. Sums run in double precision.
 */
final class HostProducts {
    private HostProducts() {}

    /** {@code G = X·Xᵀ} [n, n] of the rows of X (all of one length), each entry a dot product in double. */
    static double[][] gram(double[][] rows) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("gram: row " + i + " has " + rows[i].length + " values, row 0 " + d);
            }
        }
        for (int i = 0; i < n; i++) {
            double[] ri = rows[i];
            for (int j = i; j < n; j++) {
                double[] rj = rows[j];
                double sum = 0;
                for (int t = 0; t < d; t++) {
                    sum += ri[t] * rj[t];
                }
                g[i][j] = sum;
                g[j][i] = sum;
            }
        }
        return g;
    }

    /** {@code XᵀY} [kx, ky] row-major for X [n, kx] and Y [n, ky] row-major, accumulated in double. */
    static float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        if (x.length != (long) n * kx || y.length != (long) n * ky) {
            throw new IllegalArgumentException("transposeProduct: X must hold " + n + "x" + kx + " and Y " + n + "x"
                    + ky + " values, got " + x.length + " and " + y.length);
        }
        double[] acc = new double[kx * ky];
        for (int t = 0; t < n; t++) {
            int xt = t * kx;
            int yt = t * ky;
            for (int i = 0; i < kx; i++) {
                double xi = x[xt + i];
                if (xi == 0) {
                    continue;
                }
                int row = i * ky;
                for (int j = 0; j < ky; j++) {
                    acc[row + j] += xi * y[yt + j];
                }
            }
        }
        float[] out = new float[kx * ky];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }
}
