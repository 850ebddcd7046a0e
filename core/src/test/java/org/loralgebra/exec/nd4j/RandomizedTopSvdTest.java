package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * The randomized top-k SVD against LAPACK's exact one, compared on the rank-k reconstruction U_k·S_k·V_kᵀ (vectors
 * are only defined up to sign): a spectrum like a merged update's (a strong low-rank part over a noise floor), in
 * F64 and F32; and a gapless spectrum, where the residual check must refuse rather than return a wrong subspace.
 */
class RandomizedTopSvdTest {
    /** A column-major m×n matrix U·diag(σ)·Vᵀ with random orthonormal U, V and the given σ. */
    private static double[] withSpectrum(int m, int n, double[] sigma, long seed) {
        Random rnd = new Random(seed);
        int r = sigma.length;
        double[] u = orthonormal(m, r, rnd);
        double[] v = orthonormal(n, r, rnd);
        double[] a = new double[m * n];
        for (int t = 0; t < r; t++) {
            for (int j = 0; j < n; j++) {
                double c = sigma[t] * v[j + t * n];
                for (int i = 0; i < m; i++) {
                    a[i + j * m] += u[i + t * m] * c;
                }
            }
        }
        return a;
    }

    private static double[] orthonormal(int m, int r, Random rnd) {
        double[] g = new double[m * r];
        for (int i = 0; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        return Lapack.qr(g, m, r)[0];
    }

    /** ‖U·S·Vᵀ − exact‖_F / ‖exact‖_F for two column-major triplet sets of the same m, n, k. */
    private static double reconstructionError(double[] u1, double[] s1, double[] vt1, double[][] exact, int m, int n) {
        int k = s1.length;
        double num = 0;
        double den = 0;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double x = 0;
                double y = 0;
                for (int t = 0; t < k; t++) {
                    x += u1[i + t * m] * s1[t] * vt1[t + j * k];
                    y += exact[0][i + t * m] * exact[1][t] * exact[2][t + j * k];
                }
                num += (x - y) * (x - y);
                den += y * y;
            }
        }
        return Math.sqrt(num / den);
    }

    /** σ: 24 values decaying from 10 to 1, then a floor of 0.05 (pruning noise), as a TIES-merged update looks. */
    private static double[] mergedLikeSpectrum(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i < 24 ? 10 * Math.pow(0.1, i / 23.0) : 0.05 * (1 - 0.5 * i / n);
        }
        return s;
    }

    @Test
    void matchesTheExactTopKInDoublePrecision() {
        int m = 400;
        int n = 240;
        int k = 16;
        double[] a = withSpectrum(m, n, mergedLikeSpectrum(n), 3);
        RandomizedTopSvd.Result r;
        try (DoublePointer p = new DoublePointer(a)) {
            r = RandomizedTopSvd.of(p, m, n, k, 1e-9, 12);
        }
        assertTrue(r.converged(), "residual " + r.residual() + " after " + r.iterations() + " iterations");
        double[][] exact = Lapack.topSvd(a.clone(), m, n, k);
        double e = reconstructionError(r.u(), r.s(), r.vt(), exact, m, n);
        assertBelow(e, 1e-8, "F64 rank-" + k + " reconstruction vs exact gesvdx, relative Frobenius");
    }

    @Test
    void matchesTheExactTopKInSinglePrecisionAndIsDeterministic() {
        int m = 400;
        int n = 240;
        int k = 16;
        double[] a = withSpectrum(m, n, mergedLikeSpectrum(n), 4);
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        RandomizedTopSvd.Result r1;
        RandomizedTopSvd.Result r2;
        try (FloatPointer p = new FloatPointer(f)) {
            r1 = RandomizedTopSvd.of(p, m, n, k, 1e-5, 12);
            r2 = RandomizedTopSvd.of(p, m, n, k, 1e-5, 12);
        }
        assertTrue(r1.converged(), "residual " + r1.residual() + " after " + r1.iterations() + " iterations");
        assertArrayEquals(r1.u(), r2.u(), "same matrix, same bytes");
        double[][] exact = Lapack.topSvd(a.clone(), m, n, k);
        double e = reconstructionError(r1.u(), r1.s(), r1.vt(), exact, m, n);
        assertBelow(e, 1e-4, "F32 rank-" + k + " reconstruction vs exact (F64) gesvdx, relative Frobenius");
    }

    /**
     * The transposed products at the shapes where a mix-up of the output's sides would hide or break: one entry,
     * square matrices, l = n (every column sampled), a single column, c = 1; and 0, 1 and 3 iterations (the triplets
     * then read the AᵀQ of the range finder's Q, of the first iteration's, of the checked one's). The matrices have
     * rank at most k, so the sampled subspace holds the whole range and each result must reconstruct the exact SVD's.
     */
    @Test
    void oddShapesAndFewIterationsReconstructTheExactTopK() {
        int[][] shapes = {{1, 1, 1}, {7, 7, 7}, {9, 3, 2}, {300, 1, 1}, {50, 50, 3}, {120, 40, 1}, {61, 37, 5}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            double[] sigma = new double[k];
            for (int t = 0; t < k; t++) {
                sigma[t] = 5.0 / (t + 1);
            }
            double[] a = withSpectrum(m, n, sigma, 7L * m + n);
            double[][] exact = Lapack.topSvd(a.clone(), m, n, k);
            float[] f = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
            for (int iterations : new int[] {0, 1, 3}) {
                String where = m + "x" + n + ", k " + k + ", " + iterations + " iterations";
                RandomizedTopSvd.Result r;
                try (DoublePointer p = new DoublePointer(a)) {
                    r = RandomizedTopSvd.of(p, m, n, k, 1e-9, iterations);
                }
                assertBelow(reconstructionError(r.u(), r.s(), r.vt(), exact, m, n), 1e-10, "F64 " + where);
                try (FloatPointer p = new FloatPointer(f)) {
                    r = RandomizedTopSvd.of(p, m, n, k, 1e-5, iterations);
                }
                assertBelow(reconstructionError(r.u(), r.s(), r.vt(), exact, m, n), 1e-5, "F32 " + where);
            }
        }
    }

    @Test
    void aGaplessSpectrumFailsTheResidualCheckInsteadOfGuessing() {
        int m = 300;
        int n = 200;
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = 1 - 1e-4 * i; // no gap anywhere: the top 16 directions are barely separated from the rest
        }
        double[] a = withSpectrum(m, n, sigma, 5);
        RandomizedTopSvd.Result r;
        try (DoublePointer p = new DoublePointer(a)) {
            r = RandomizedTopSvd.of(p, m, n, 16, 1e-9, 6);
        }
        assertFalse(r.converged(), "a flat spectrum cannot meet 1e-9 in 6 iterations: residual " + r.residual());
    }

    /** n×width column-major: the exact top right singular vectors {@code from..from+width} of a, each plus noise. */
    private static double[] rightVectors(double[] a, int m, int n, int from, int width, double noise, long seed) {
        int top = from + width;
        double[] vt = Lapack.topSvd(a.clone(), m, n, top)[2]; // top×n column-major
        Random rnd = new Random(seed);
        double[] start = new double[n * width];
        for (int c = 0; c < width; c++) {
            for (int j = 0; j < n; j++) {
                start[j + c * n] = vt[from + c + j * top] + noise * rnd.nextGaussian() / Math.sqrt(n);
            }
        }
        return start;
    }

    @Test
    void aStartNearTheTopVectorsConvergesInFewerIterationsToTheSameTopK() {
        int m = 400;
        int n = 240;
        int k = 16;
        // a high floor under the top 24 (σ₁₇/σ₁₆ … down to 0.6/2.2): the Gaussian start needs many iterations
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = i < 24 ? 10 * Math.pow(0.1, i / 23.0) : 0.6 * (1 - 0.5 * i / n);
        }
        double[] a = withSpectrum(m, n, sigma, 8);
        double[][] exact = Lapack.topSvd(a.clone(), m, n, k);
        double[] start = rightVectors(a, m, n, 0, 24, 0.05, 1);
        RandomizedTopSvd.Result plain;
        RandomizedTopSvd.Result hinted;
        RandomizedTopSvd.Result again;
        try (DoublePointer p = new DoublePointer(a)) {
            plain = RandomizedTopSvd.of(p, m, n, k, 1e-9, 12);
            hinted = RandomizedTopSvd.of(p, m, n, k, 1e-9, 12, start, 24);
            again = RandomizedTopSvd.of(p, m, n, k, 1e-9, 12, start, 24);
        }
        assertTrue(plain.converged() && hinted.converged(), plain + " " + hinted);
        assertTrue(
                hinted.iterations() < plain.iterations(),
                "iterations with the start " + hinted.iterations() + ", without " + plain.iterations());
        assertBelow(reconstructionError(hinted.u(), hinted.s(), hinted.vt(), exact, m, n), 1e-8, "hinted vs exact");
        assertArrayEquals(hinted.u(), again.u(), "same matrix and start, same bytes");
    }

    @Test
    void aStartAwayFromTheTopOrWiderThanTheSampleStillConverges() {
        int m = 400;
        int n = 240;
        int k = 16;
        double[] a = withSpectrum(m, n, mergedLikeSpectrum(n), 9);
        double[][] exact = Lapack.topSvd(a.clone(), m, n, k);
        // directions 40..87: orthogonal to the top 24, so only the Gaussian columns find them
        double[] away = rightVectors(a, m, n, 40, 48, 0, 2);
        // 100 directions, more than l − 20 = 48: mixed down by a Gaussian matrix
        double[] wide = rightVectors(a, m, n, 0, 100, 0.05, 3);
        for (Object[] c : new Object[][] {{"away", away, 48}, {"wide", wide, 100}}) {
            RandomizedTopSvd.Result r;
            try (DoublePointer p = new DoublePointer(a)) {
                r = RandomizedTopSvd.of(p, m, n, k, 1e-9, 12, (double[]) c[1], (int) c[2]);
            }
            assertTrue(r.converged(), c[0] + ": residual " + r.residual() + " after " + r.iterations());
            assertBelow(reconstructionError(r.u(), r.s(), r.vt(), exact, m, n), 1e-8, c[0] + " start vs exact");
        }
        try (DoublePointer p = new DoublePointer(a)) {
            assertThrows(
                    IllegalArgumentException.class, () -> RandomizedTopSvd.of(p, m, n, k, 1e-9, 12, new double[10], 3));
        }
    }
}
