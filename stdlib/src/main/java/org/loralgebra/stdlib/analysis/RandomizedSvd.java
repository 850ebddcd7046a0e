package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Random;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.LoraException;

/**
 * The top-k singular triplets of a large matrix by randomized subspace iteration (Halko, Martinsson and Tropp,
 * "Finding structure with randomness", SIAM Review 2011: Algorithm 4.4 for the range, 5.1 for the SVD):
 * <ol>
 *   <li>draw a Gaussian test matrix Ω [n, ℓ], {@code ℓ = min(k + oversampling, min(m, n))}, from the seed;</li>
 *   <li>{@code Q = orth(M·Ω)}, then {@code powerIterations} times {@code Q = orth(M·orth(Mᵀ·Q))}
 *       (re-orthonormalized by thin QR at every step, which keeps small singular values from being lost);</li>
 *   <li>the SVD of the small {@code ℓ×n} matrix {@code QᵀM = Ũ·S·Vᵀ} gives {@code U = Q·Ũ}; the first k are kept.</li>
 * </ol>
 * Cost: {@code 2·(powerIterations + 1)} products of M with an n×ℓ or m×ℓ block, QRs of m×ℓ and n×ℓ blocks and one
 * ℓ×n SVD — never an SVD of M itself. The error of the rank-k result is within a factor close to 1 of the best
 * (σ_{k+1}) when the spectrum decays; each power iteration raises the singular values to the power 2q+1 before the
 * range is taken, which is what weight matrices with slowly decaying spectra need. When ℓ reaches min(m, n) the
 * range is exact and so is the result (up to rounding).
 *
 * @param oversampling    extra random directions beyond k (default {@value #DEFAULT_OVERSAMPLING}, as in Halko et al.)
 * @param powerIterations subspace iterations q (default {@value #DEFAULT_POWER_ITERATIONS})
 */
public record RandomizedSvd(int oversampling, int powerIterations) {
    /** Default oversampling p = 10. */
    public static final int DEFAULT_OVERSAMPLING = 10;
    /** Default power iterations q = 4 (weight spectra decay slowly; q = 4 amplifies gaps by the 9th power). */
    public static final int DEFAULT_POWER_ITERATIONS = 4;

    public RandomizedSvd {
        if (oversampling < 0 || powerIterations < 0) {
            throw new LoraException("randomized SVD: oversampling and power iterations must be ≥ 0, got " + oversampling
                    + " and " + powerIterations);
        }
    }

    /** p = 10, q = 4. */
    public static RandomizedSvd defaults() {
        return new RandomizedSvd(DEFAULT_OVERSAMPLING, DEFAULT_POWER_ITERATIONS);
    }

    /**
     * The top {@code k} singular triplets of {@code m} (k capped at min(rows, cols)): U [rows, k], S descending,
     * Vᵀ [k, cols]. Deterministic for a given seed.
     */
    public Backend.Svd top(Backend be, LinearOperator m, int k, long seed) {
        int n = Math.min(m.rows(), m.cols());
        int keep = Math.min(k, n);
        if (keep <= 0) {
            throw new LoraException("randomized SVD: k must be ≥ 1, got " + k);
        }
        int width = Math.min(keep + oversampling, n);
        Matrix q = be.qr(m.times(gaussian(be, m.cols(), width, seed))).q();
        for (int i = 0; i < powerIterations; i++) {
            Matrix z = be.qr(m.transposeTimes(q)).q();
            q = be.qr(m.times(z)).q();
        }
        Matrix small = be.transpose(m.transposeTimes(q));
        Backend.Svd svd = be.svd(small);
        Matrix u = be.matmul(q, false, be.columns(svd.u(), 0, keep), false);
        return new Backend.Svd(u, Arrays.copyOf(svd.s(), keep), be.rows(svd.vt(), 0, keep));
    }

    private static Matrix gaussian(Backend be, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return be.fromRowMajor(rows, cols, v);
    }

    /**
     * A seed for one module and purpose, from the user's seed: the same for every run and thread, different across
     * modules (mixes the name's {@link String#hashCode()}, which Java specifies, through SplitMix64's finalizer).
     */
    public static long seedFor(long seed, String module, int purpose) {
        long z = seed * 0x9E3779B97F4A7C15L + module.hashCode() * 0xBF58476D1CE4E5B9L + purpose;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
