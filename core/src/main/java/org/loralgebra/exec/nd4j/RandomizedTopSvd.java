package org.loralgebra.exec.nd4j;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The top k singular triplets of a tall column-major m×n matrix A in native memory (m ≥ n; F32 or F64) by
 * randomized subspace iteration (Halko, Martinsson and Tropp 2011, Alg. 4.4), checked a posteriori: a seeded
 * Gaussian start of l = min(n, 3k + 20) columns (wide: a merged update's top k sit among the Σr directions of its
 * inputs, so the iteration converges at the rate of σ_{l+1}/σ_k), then Q ← orth(A·orth(Aᵀ·Q)) until every one of the k
 * triplets has a relative residual ‖A·vᵢ − σᵢ·uᵢ‖ / σ₁ at most {@code tolerance} (checked from the second
 * iteration on), at most {@code maxIterations} times. B = QᵀA (l×n) is decomposed exactly (LAPACK gesdd) and U = Q·U_B.
 * Each iteration is two products of A with l columns (2·m·n·l flops each; the second, AᵀQ, also gives the check its
 * B and the next iteration its start) and the check's one with k, where an exact SVD pays O(m·n²); the caller falls
 * back to the exact method when the residual is not met.
 *
 * <p>Small matrices (Q, B, the triplets) are host doubles; the products with A run in A's precision (sgemm/dgemm).
 * The start is seeded by (m, n, k), so the same matrix gives the same bytes on any thread.
 */
final class RandomizedTopSvd {
    /** U (m×k), S (k), Vᵀ (k×n), column-major; the iterations run, the worst relative residual, and whether it met the tolerance. */
    record Result(double[] u, double[] s, double[] vt, int iterations, double residual, boolean converged) {}

    private RandomizedTopSvd() {}

    /** The top-k triplets of the tall column-major m×n matrix at {@code a} (a FloatPointer or a DoublePointer). */
    static Result of(Pointer a, int m, int n, int k, double tolerance, int maxIterations) {
        return of(a, m, n, k, tolerance, maxIterations, null, 0);
    }

    /**
     * {@link #of(Pointer, int, int, int, double, int)} starting from {@code width} directions of Rⁿ near A's top right
     * singular vectors ({@code start}, column-major n×width; null for none): they take the start's first columns, at
     * most all but {@value #GAUSSIAN_COLUMNS} (more are mixed down by a seeded Gaussian matrix), and Gaussian columns
     * the rest. A merged update's top vectors lie near its inputs' factors, so such a start converges in fewer
     * iterations; the residual check is the same.
     */
    static Result of(Pointer a, int m, int n, int k, double tolerance, int maxIterations, double[] start, int width) {
        if (m < n || k < 1 || k > n) {
            throw new IllegalArgumentException("randomized top-k SVD: k = " + k + " of a " + m + "x" + n + " matrix");
        }
        if (start != null && start.length != (long) n * width) {
            throw new IllegalArgumentException(
                    "randomized top-k SVD: a start of " + start.length + " values for " + n + "x" + width);
        }
        int l = Math.min(n, 3 * k + 20);
        SplittableRandom rnd = new SplittableRandom(0x5EEDL ^ (((long) m * 31 + n) * 31 + k));
        double[] omega = start(start, width, n, l, rnd);
        double[] q = Lapack.qr(times(a, false, m, n, omega, l), m, l)[0];
        // AᵀQ for the current Q: the next iteration starts from it and the check reads B = QᵀA from it, one product
        double[] atq = times(a, true, m, n, q, l);
        Result last = null;
        for (int it = 1; it <= maxIterations; it++) {
            double[] w = Lapack.qr(atq, n, l)[0];
            q = Lapack.qr(times(a, false, m, n, w, l), m, l)[0];
            atq = times(a, true, m, n, q, l);
            if (it < 2) {
                continue;
            }
            last = triplets(a, m, n, k, l, q, atq, it);
            if (last.residual() <= tolerance) {
                return new Result(last.u(), last.s(), last.vt(), it, last.residual(), true);
            }
        }
        return last != null ? last : triplets(a, m, n, k, l, q, atq, maxIterations);
    }

    /** U, S, Vᵀ from Q and {@code w} = AᵀQ (n×l): B = QᵀA = wᵀ, its exact SVD, and the residuals of the top k. */
    private static Result triplets(Pointer a, int m, int n, int k, int l, double[] q, double[] w, int iterations) {
        double[] b = new double[l * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                b[j + i * l] = w[i + j * n];
            }
        }
        double[][] usv = Lapack.svd(b, l, n, true); // U_B (l×l), S (l), Vᵀ (l×n)
        double[] ub = usv[0];
        double[] s = usv[1];
        double[] vtAll = usv[2];
        double[] u = new double[m * k];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < l; t++) {
                double c = ub[t + j * l];
                if (c != 0) {
                    for (int i = 0; i < m; i++) {
                        u[i + j * m] += q[i + t * m] * c;
                    }
                }
            }
        }
        double[] vt = new double[k * n];
        double[] v = new double[n * k];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                vt[i + j * k] = vtAll[i + j * l];
                v[j + i * n] = vtAll[i + j * l];
            }
        }
        double[] av = times(a, false, m, n, v, k);
        double worst = 0;
        double top = s.length > 0 && s[0] > 0 ? s[0] : 1;
        for (int j = 0; j < k; j++) {
            double sum = 0;
            for (int i = 0; i < m; i++) {
                double d = av[i + j * m] - s[j] * u[i + j * m];
                sum += d * d;
            }
            worst = Math.max(worst, Math.sqrt(sum) / top);
        }
        double[] sk = new double[k];
        System.arraycopy(s, 0, sk, 0, k);
        return new Result(u, sk, vt, iterations, worst, false);
    }

    /**
     * A·X (m×c) or Aᵀ·X (n×c) for host column-major X, in A's precision. OpenBLAS computes the transposed product,
     * Xᵀ·Aᵀ or Xᵀ·A (c×m or c×n): for c in the tens these products with the long side of A as the output's columns
     * ran 20–45% faster with its SkylakeX kernels (Aᵀ·X's also about 25% faster with its Haswell kernels, A·X's the
     * same) on the 2-core Xeon, A 11008×4096 F32, c = 16 and 68.
     */
    private static double[] times(Pointer a, boolean transpose, int m, int n, double[] x, int c) {
        int inner = transpose ? m : n;
        int outer = transpose ? n : m;
        // (op(A)·X)ᵀ = Xᵀ·op(A)ᵀ: X (inner×c) transposed; A as it is for Aᵀ·X, transposed for A·X
        int transA = transpose ? openblas.CblasNoTrans : openblas.CblasTrans;
        double[] out = new double[outer * c];
        if (a instanceof DoublePointer d) {
            try (DoublePointer xp = new DoublePointer(x);
                    DoublePointer yp = new DoublePointer((long) outer * c)) {
                openblas.cblas_dgemm(
                        openblas.CblasColMajor,
                        openblas.CblasTrans,
                        transA,
                        c,
                        outer,
                        inner,
                        1.0,
                        xp,
                        inner,
                        d.position(0),
                        m,
                        0.0,
                        yp,
                        c);
                double[] yt = new double[outer * c];
                yp.get(yt);
                transposeInto(yt, c, outer, out);
            }
            return out;
        }
        FloatPointer f = (FloatPointer) a;
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        try (FloatPointer xp = new FloatPointer(xf);
                FloatPointer yp = new FloatPointer((long) outer * c)) {
            openblas.cblas_sgemm(
                    openblas.CblasColMajor,
                    openblas.CblasTrans,
                    transA,
                    c,
                    outer,
                    inner,
                    1f,
                    xp,
                    inner,
                    f.position(0),
                    m,
                    0f,
                    yp,
                    c);
            float[] yt = new float[outer * c];
            yp.get(yt);
            for (int i = 0; i < outer; i++) {
                for (int j = 0; j < c; j++) {
                    out[i + j * outer] = yt[j + i * c];
                }
            }
        }
        return out;
    }

    /** {@code t} (rows×cols, column-major) transposed into {@code out} (cols×rows, column-major). */
    private static void transposeInto(double[] t, int rows, int cols, double[] out) {
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < rows; j++) {
                out[i + j * cols] = t[j + i * rows];
            }
        }
    }

    /** Columns of a start that are Gaussian whatever the hint: its directions may miss some of A's top ones. */
    static final int GAUSSIAN_COLUMNS = 20;

    /** The n×l start: the hint's directions (mixed down to at most l − 20 by a Gaussian matrix) then Gaussian columns. */
    private static double[] start(double[] hint, int width, int n, int l, SplittableRandom rnd) {
        double[] omega = new double[n * l];
        int hinted = hint == null ? 0 : Math.min(width, Math.max(0, l - GAUSSIAN_COLUMNS));
        if (hinted > 0 && hinted == width) {
            System.arraycopy(hint, 0, omega, 0, n * width);
        } else if (hinted > 0) {
            double[] mix = new double[width * hinted];
            for (int i = 0; i < mix.length; i++) {
                mix[i] = gaussian(rnd);
            }
            for (int c = 0; c < hinted; c++) {
                for (int t = 0; t < width; t++) {
                    double w = mix[t + c * width];
                    for (int i = 0; i < n; i++) {
                        omega[i + c * n] += hint[i + t * n] * w;
                    }
                }
            }
        }
        for (int i = hinted * n; i < omega.length; i++) {
            omega[i] = gaussian(rnd);
        }
        return omega;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
