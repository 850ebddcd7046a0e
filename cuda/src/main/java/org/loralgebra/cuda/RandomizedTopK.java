package org.loralgebra.cuda;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.Matrix;

/**
 * The top k singular triplets of a large matrix by randomized subspace iteration (Halko, Martinsson and Tropp 2011,
 * Alg. 4.4) on a backend's own products, QRs and SVD: a seeded Gaussian start of l = min(n, 3k + 20) columns, then
 * Q ← orth(A·orth(Aᵀ·Q)) until every one of the k triplets has ‖A·vᵢ − σᵢ·uᵢ‖ / σ₁ at most the tolerance (checked
 * from the second iteration on). B = QᵀA (l×n) is decomposed exactly and U = Q·U_B. Returns null when the tolerance is
 * not met in {@code maxIterations}: the caller then computes the exact SVD.
 */
final class RandomizedTopK {
    /**
     * The residual {@link CudaBackend#topSvd} asks of every triplet in F32: the CPU backend's ({@code
     * Nd4jBackend.RANDOMIZED_TOLERANCE_F32}). At 1e-4 the rank-k parts of TIES and DARE merges of two real adapters
     * differed from the CPU's by up to 5.7e-4 of their largest entry, over the device run's merge parity of 1e-4.
     */
    static final double TOLERANCE_F32 = 1e-5;

    /** The residual in F64: the CPU backend's ({@code Nd4jBackend.RANDOMIZED_TOLERANCE_F64}). */
    static final double TOLERANCE_F64 = 1e-9;

    /** Subspace iterations before the exact SVD takes over: the CPU backend's. */
    static final int ITERATIONS = 12;

    private RandomizedTopK() {}

    /** The top-k triplets of {@code a}, or null when they did not converge. */
    static Svd of(Backend be, Matrix a, int k, double tolerance, int maxIterations) {
        int m = a.rows();
        int n = a.cols();
        int l = Math.min(Math.min(m, n), 3 * k + 20);
        SplittableRandom rnd = new SplittableRandom(0x5EEDL ^ (((long) m * 31 + n) * 31 + k));
        double[] omega = new double[n * l];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = gaussian(rnd);
        }
        Matrix q =
                be.qr(be.matmul(a, false, be.fromRowMajor(n, l, omega), false)).q();
        for (int it = 1; it <= maxIterations; it++) {
            Matrix w = be.qr(be.matmul(a, true, q, false)).q();
            q = be.qr(be.matmul(a, false, w, false)).q();
            if (it < 2) {
                continue;
            }
            Matrix b = be.matmul(q, true, a, false);
            Svd small = be.svd(b);
            Matrix u = be.matmul(q, false, be.columns(small.u(), 0, k), false);
            Matrix vt = be.rows(small.vt(), 0, k);
            double[] s = Arrays.copyOf(small.s(), k);
            if (residual(be, a, u, s, vt) <= tolerance) {
                return new Svd(u, s, vt);
            }
        }
        return null;
    }

    /** max over i of ‖A·vᵢ − σᵢ·uᵢ‖ / σ₁. */
    private static double residual(Backend be, Matrix a, Matrix u, double[] s, Matrix vt) {
        if (s.length == 0 || s[0] == 0) {
            return 0;
        }
        double[] av = be.toRowMajor(be.matmul(a, false, vt, true)); // m×k
        double[] uu = be.toRowMajor(u);
        int k = s.length;
        double worst = 0;
        for (int j = 0; j < k; j++) {
            double sum = 0;
            for (int i = 0; i < a.rows(); i++) {
                double d = av[i * k + j] - s[j] * uu[i * k + j];
                sum += d * d;
            }
            worst = Math.max(worst, Math.sqrt(sum) / s[0]);
        }
        return worst;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
