package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;

/**
 * The small spectral operations the core-space merges share, on p×q matrices (p, q ≤ R = Σrₜ): polar factors,
 * truncated SVDs, isotropic spectra, TSV-Merge and Iso-CTS. Singular values at or below {@link #tolerance} times
 * the largest count as zero: their vectors are arbitrary (LAPACK's choice) and are dropped rather than merged.
 */
final class CoreAlgebra {
    private CoreAlgebra() {}

    /** The relative cut below which a singular value is numerically zero: 1e-10 in double, 1e-5 in float. */
    static double tolerance(Backend be) {
        return be.precision() == Precision.F64 ? 1e-10 : 1e-5;
    }

    /** How many singular values (descending) exceed the tolerance times the largest. */
    static int numericalRank(Backend be, double[] s) {
        if (s.length == 0 || !(s[0] > 0)) {
            return 0;
        }
        double cut = tolerance(be) * s[0];
        int k = 0;
        while (k < s.length && s[k] > cut) {
            k++;
        }
        return k;
    }

    /**
     * ±1 per column of x: the sign that makes the column's entry of largest magnitude positive (the first such entry
     * on ties), the canonical orientation of a singular vector.
     */
    static double[] canonicalSigns(Backend be, Matrix x) {
        double[] v = be.toRowMajor(x);
        int rows = x.rows();
        int cols = x.cols();
        double[] sign = new double[cols];
        for (int j = 0; j < cols; j++) {
            double best = -1;
            double at = 1;
            for (int i = 0; i < rows; i++) {
                double m = Math.abs(v[i * cols + j]);
                if (m > best) {
                    best = m;
                    at = v[i * cols + j];
                }
            }
            sign[j] = at < 0 ? -1 : 1;
        }
        return sign;
    }

    /** polar(X) = P·Qᵀ for the thin SVD X = P·D·Qᵀ (the orthogonal factor nearest to X, Procrustes). */
    static Matrix polar(Backend be, Matrix x) {
        Backend.Svd svd = be.svd(x);
        return be.matmul(svd.u(), false, svd.vt(), false);
    }

    /** The best rank-k approximation of x. */
    static Matrix truncate(Backend be, Matrix x, int k) {
        Backend.Svd svd = be.svd(x);
        int keep = Math.min(k, svd.s().length);
        Matrix u = be.scaleColumns(be.columns(svd.u(), 0, keep), Arrays.copyOf(svd.s(), keep));
        return be.matmul(u, false, be.rows(svd.vt(), 0, keep), false);
    }

    /**
     * x with every nonzero singular value replaced by their mean (Iso-C's σ̄·U·Vᵀ over the numerical rank; the
     * reference's mean over all p values fills the null space in arbitrary directions, see {@link Method#ISO_C}).
     */
    static Matrix isotropize(Backend be, Matrix x) {
        Backend.Svd svd = be.svd(x);
        int k = numericalRank(be, svd.s());
        if (k == 0) {
            return be.zeros(x.rows(), x.cols());
        }
        double mean = 0;
        for (int i = 0; i < k; i++) {
            mean += svd.s()[i];
        }
        mean /= k;
        return be.scale(be.matmul(be.columns(svd.u(), 0, k), false, be.rows(svd.vt(), 0, k), false), mean);
    }

    /** Singular triplets of a matrix kept for a merge: U [p, k], σ, V [q, k]. */
    record Triplets(Matrix u, double[] s, Matrix v) {
        /** No triplets (u and v are null). */
        static final Triplets EMPTY = new Triplets(null, new double[0], null);
    }

    /** The nonzero singular triplets of L·R (L [p, r], R [r, q]): QRs of both factors and an r×r SVD. */
    static Triplets ofProduct(Backend be, Matrix left, Matrix right) {
        Backend.Qr ql = be.qr(left);
        Backend.Qr qr = be.qr(be.transpose(right));
        Backend.Svd svd = be.svd(be.matmul(ql.r(), false, qr.r(), true));
        int k = numericalRank(be, svd.s());
        if (k == 0) {
            return Triplets.EMPTY;
        }
        return new Triplets(
                be.matmul(ql.q(), false, be.columns(svd.u(), 0, k), false),
                Arrays.copyOf(svd.s(), k),
                be.matmul(qr.q(), false, be.rows(svd.vt(), 0, k), true));
    }

    /** The top {@code k} nonzero singular triplets of x. */
    static Triplets top(Backend be, Matrix x, int k) {
        Backend.Svd svd = be.svd(x);
        int keep = Math.min(k, numericalRank(be, svd.s()));
        if (keep == 0) {
            return Triplets.EMPTY;
        }
        return new Triplets(
                be.columns(svd.u(), 0, keep), Arrays.copyOf(svd.s(), keep), be.transpose(be.rows(svd.vt(), 0, keep)));
    }

    /**
     * Σ_units polar([U₁ … U_T])·diag(σ)·polar([V₁ … V_T])ᵀ: TSV-Merge (Gargiulo et al., CVPR 2025, Alg. 1) of the
     * given triplets, each task's kept whole; also Iso-CTS's last step when {@code isotropic} (all σ replaced by
     * their mean).
     */
    static Matrix orthogonalized(Backend be, List<Triplets> parts, int rows, int cols, boolean isotropic) {
        List<Matrix> us = new ArrayList<>();
        List<Matrix> vs = new ArrayList<>();
        List<Double> sigma = new ArrayList<>();
        for (Triplets t : parts) {
            if (t.s().length == 0) {
                continue;
            }
            us.add(t.u());
            vs.add(t.v());
            for (double x : t.s()) {
                sigma.add(x);
            }
        }
        if (sigma.isEmpty()) {
            return be.zeros(rows, cols);
        }
        double[] s = sigma.stream().mapToDouble(Double::doubleValue).toArray();
        if (isotropic) {
            double mean = Arrays.stream(s).average().orElse(0);
            Arrays.fill(s, mean);
        }
        Matrix pu = polar(be, be.hcat(us));
        Matrix pv = polar(be, be.hcat(vs));
        return be.matmul(be.scaleColumns(pu, s), false, pv, true);
    }
}
