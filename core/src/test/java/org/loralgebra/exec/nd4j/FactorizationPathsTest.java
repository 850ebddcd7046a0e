package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Dense;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.SpanHint;
import org.loralgebra.exec.TopSvdStats;
import org.loralgebra.lang.Precision;

/**
 * Every SVD and QR path of the ND4J backend, in both precisions, at the sizes where OpenBLAS 0.3.19's dgesdd returned
 * wrong vectors on AVX-512 kernels (120×80, top 40), tall and wide, row-major and transposed inputs: orthonormal
 * factors, reconstruction, and singular values equal to an independent one-sided Jacobi SVD. Run it with
 * {@code OPENBLAS_CORETYPE=SkylakeX} on an AVX-512 machine to check the kernels Intel servers get.
 */
class FactorizationPathsTest {
    private static final int[][] SHAPES = {{120, 80}, {80, 120}};

    private static double tolerance(Precision p) {
        return p == Precision.F64 ? 1e-10 : 2e-4;
    }

    private static double[] gaussian(long seed, int n) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static Dense.M dense(Backend b, Matrix m) {
        return new Dense.M(m.rows(), m.cols(), b.toRowMajor(m));
    }

    /** The same values as a C-ordered matrix and as a transposed view of a C-ordered one (an 'f'-ordered array). */
    private static Matrix[] layouts(Backend b, int m, int n, double[] rowMajor) {
        Matrix c = b.fromRowMajor(m, n, rowMajor);
        Matrix f = b.transpose(b.fromRowMajor(n, m, b.toRowMajor(b.transpose(c))));
        return new Matrix[] {c, f};
    }

    private static void assertOrthonormalColumns(String what, Dense.M q, double tol) {
        double err = Dense.relError(Dense.mul(Dense.transpose(q), q), Dense.identity(q.cols()));
        assertTrue(err < tol, what + ": max |QᵀQ − I| = " + err + " (tolerance " + tol + ")");
    }

    /** k singular triplets of a: orthonormal vectors, values equal to Jacobi's, A·v = σ·u for each. */
    private static void assertTopTriplets(String path, Backend b, Dense.M a, Backend.Svd svd, int k) {
        double tol = tolerance(b.precision());
        assertEquals(k, svd.s().length, path + ": triplets");
        double[] expected = Dense.singularValues(a);
        for (int i = 0; i < k; i++) {
            double err = Math.abs(expected[i] - svd.s()[i]) / expected[0];
            assertTrue(
                    err < tol,
                    path + ": σ" + i + " = " + svd.s()[i] + ", Jacobi " + expected[i] + ", relative error " + err);
        }
        Dense.M u = dense(b, svd.u());
        Dense.M v = Dense.transpose(dense(b, svd.vt()));
        assertOrthonormalColumns(path + " U", u, 10 * tol);
        assertOrthonormalColumns(path + " V", v, 10 * tol);
        Dense.M av = Dense.mul(a, v);
        double[] us = new double[a.rows() * k];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < k; j++) {
                us[i * k + j] = u.get(i, j) * svd.s()[j];
            }
        }
        double err = Dense.relError(av, new Dense.M(a.rows(), k, us));
        assertTrue(err < 10 * tol, path + ": max |A·V − U·S| relative = " + err);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void fullSvdAndSingularValues(Precision p) {
        Backend b = new Nd4jBackend(p);
        for (int[] s : SHAPES) {
            double[] values = gaussian(1, s[0] * s[1]);
            Dense.M a = new Dense.M(s[0], s[1], values);
            for (Matrix x : layouts(b, s[0], s[1], values)) {
                String path = p + " svd (gesdd) of " + x;
                Backend.Svd svd = b.svd(x);
                int k = Math.min(s[0], s[1]);
                assertTopTriplets(path, b, a, svd, k);
                Dense.M usvt = Dense.mul(Dense.mul(dense(b, svd.u()), diagonal(svd.s())), dense(b, svd.vt()));
                double err = Dense.relError(usvt, a);
                assertTrue(err < 10 * tolerance(p), path + ": max |A − U·S·Vᵀ| relative = " + err);
                double[] only = b.singularValues(x);
                for (int i = 0; i < k; i++) {
                    double d = Math.abs(only[i] - svd.s()[i]) / svd.s()[0];
                    assertTrue(d < tolerance(p), p + " singularValues σ" + i + " differs from the SVD's by " + d);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void topSvdByBisectionAndByFullSvd(Precision p) {
        Backend b = new Nd4jBackend(p);
        for (int[] s : SHAPES) {
            double[] values = gaussian(2, s[0] * s[1]);
            Dense.M a = new Dense.M(s[0], s[1], values);
            for (Matrix x : layouts(b, s[0], s[1], values)) {
                for (int k : new int[] {8, 40}) { // 8: gesvdx; 40: more than a quarter of the spectrum, gesdd
                    assertTopTriplets(p + " topSvd k " + k + " of " + x, b, a, b.topSvd(x, k), k);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void topSvdOfHostRowsTallAndWide(Precision p) {
        Backend b = new Nd4jBackend(p);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            double[] values = gaussian(3, m * n);
            Dense.M a = new Dense.M(m, n, values);
            for (int k :
                    new int[] {8, 40}) { // 8: native buffer and gesvdx (tall or transposed layout); 40: the default
                Backend.Svd svd = b.topSvdOfRows(
                        m, n, (from, to, dst) -> System.arraycopy(values, from * n, dst, 0, (to - from) * n), k);
                assertTopTriplets(p + " topSvdOfRows k " + k + " of " + m + "x" + n, b, a, svd, k);
            }
        }
    }

    /**
     * A matrix whose spectrum has a clear top (20 values from 10 down to 1, then 0.01): the randomized top-k SVD
     * meets its residual check, so this exercises its results in both layouts of the native buffer (the wide one
     * holds Aᵀ), not the exact fallback the Gaussian matrices above take.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void topSvdOfHostRowsByRandomizedIteration(Precision p) {
        Backend b = new Nd4jBackend(p);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            Dense.M g1 = new Dense.M(m, 20, gaussian(4, m * 20));
            Dense.M g2 = new Dense.M(20, n, gaussian(5, 20 * n));
            double[] values = Dense.mul(g1, g2).v().clone();
            double[] noise = gaussian(6, m * n);
            for (int i = 0; i < values.length; i++) {
                values[i] += 0.01 * noise[i];
            }
            Dense.M a = new Dense.M(m, n, values);
            Backend.Svd svd;
            TopSvdStats.Snapshot ran;
            try (TopSvdStats.Recorder recorder = TopSvdStats.record()) {
                svd = b.topSvdOfRows(
                        m, n, (from, to, dst) -> System.arraycopy(values, from * n, dst, 0, (to - from) * n), 8);
                ran = recorder.snapshot();
            }
            assertEquals(1, ran.converged(), p + " " + m + "x" + n + ": the randomized iteration met its check " + ran);
            assertTopTriplets(p + " randomized topSvdOfRows k 8 of " + m + "x" + n, b, a, svd, 8);
            // started from the span of the factors: the wide layout's start is the left factor, the tall one's the
            // right
            SpanHint hint = new SpanHint(m, n, 20, g1.v(), g2.v());
            try (TopSvdStats.Recorder recorder = TopSvdStats.record()) {
                svd = b.topSvdOfRows(
                        m, n, (from, to, dst) -> System.arraycopy(values, from * n, dst, 0, (to - from) * n), 8, hint);
                ran = recorder.snapshot();
            }
            assertEquals(1, ran.converged(), p + " " + m + "x" + n + ": hinted, the iteration met its check " + ran);
            assertTopTriplets(p + " hinted topSvdOfRows k 8 of " + m + "x" + n, b, a, svd, 8);
            SpanHint other = new SpanHint(n, m, 20, g2.v(), g1.v());
            if (m != n) {
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.topSvdOfRows(m, n, (from, to, dst) -> {}, 8, other),
                        "a hint for another shape");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void qrOfEveryLayout(Precision p) {
        Backend b = new Nd4jBackend(p);
        double tol = 10 * tolerance(p);
        for (int[] s : SHAPES) {
            double[] values = gaussian(4, s[0] * s[1]);
            Dense.M a = new Dense.M(s[0], s[1], values);
            Matrix[] inputs = layouts(b, s[0], s[1], values);
            // F32: row-major LAPACKE for C-ordered input, column-major for the transposed view; F64: column-major
            for (Matrix x : inputs) {
                String path = p + " qr (geqrf/orgqr) of " + x;
                Backend.Qr qr = b.qr(x);
                Dense.M q = dense(b, qr.q());
                Dense.M r = dense(b, qr.r());
                assertOrthonormalColumns(path, q, tol);
                double err = Dense.relError(Dense.mul(q, r), a);
                assertTrue(err < tol, path + ": max |A − Q·R| relative = " + err);
                for (int i = 0; i < r.rows(); i++) {
                    for (int j = 0; j < Math.min(i, r.cols()); j++) {
                        assertEquals(0, r.get(i, j), 0, path + ": R[" + i + "," + j + "] below the diagonal");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void gramRootBySymmetricEigen(Precision p) {
        Backend b = new Nd4jBackend(p);
        for (int[] s : SHAPES) {
            double[] values = gaussian(5, s[0] * s[1]);
            Dense.M a = new Dense.M(s[0], s[1], values);
            for (Matrix x : layouts(b, s[0], s[1], values)) {
                Dense.M r = dense(b, b.gramRoot(x));
                double err = Dense.relError(Dense.mul(Dense.transpose(r), r), Dense.mul(Dense.transpose(a), a));
                assertTrue(
                        err < 10 * tolerance(p),
                        p + " gramRoot (syevd) of " + x + ": max |RᵀR − AᵀA| relative = " + err);
            }
        }
    }

    private static Dense.M diagonal(double[] s) {
        Dense.M d = Dense.zeros(s.length, s.length);
        for (int i = 0; i < s.length; i++) {
            d.v()[i * s.length + i] = s[i];
        }
        return d;
    }
}
