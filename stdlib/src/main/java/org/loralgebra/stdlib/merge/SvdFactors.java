package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.ModuleSpec;

/**
 * PEFT's factors of a truncated SVD (kohya's svd_merge_lora layout, used by every {@code *_svd} type):
 * {@code B = U_k·diag(S_k)}, {@code A = V_kᵀ}, scale 1, then the optional {@code svd_clamp}.
 *
 * <p>Singular vectors are defined up to a sign per pair (u, v); LAPACK's choice differs between
 * implementations, and PEFT's clamp, which takes a quantile of the <i>signed</i> entries, depends on it. We fix
 * it: each column of B has its largest-magnitude entry positive (the first such entry on ties). The update
 * B·A does not change; results no longer depend on the backend's SVD.
 *
 * <p>{@code svd_clamp = q}: h = the q-quantile (linear interpolation, as {@code torch.quantile}) of all entries
 * of B and A together, signed; every entry is clamped to [−h, h] (to h when −h &gt; h, as {@code torch.clamp}).
 */
final class SvdFactors {
    private SvdFactors() {}

    /** The rank-k PEFT factors of a thin SVD {@code U·diag(S)·Vᵀ} ({@code vt} is Vᵀ). */
    static ModuleFactors of(Backend be, ModuleSpec spec, Matrix u, double[] s, Matrix vt, int k, OptionalDouble clamp) {
        int keep = Math.min(k, s.length);
        Matrix b = be.scaleColumns(be.columns(u, 0, keep), Arrays.copyOf(s, keep));
        return finish(be, spec, b, be.rows(vt, 0, keep), clamp);
    }

    /** Canonical signs and the clamp, for factors already laid out as B = U·S, A = Vᵀ (scale 1). */
    static ModuleFactors finish(Backend be, ModuleSpec spec, Matrix b, Matrix a, OptionalDouble clamp) {
        int out = b.rows();
        int k = b.cols();
        double[] bv = be.toRowMajor(b);
        double[] av = be.toRowMajor(a);
        int in = a.cols();
        for (int j = 0; j < k; j++) {
            int arg = 0;
            double best = -1;
            for (int i = 0; i < out; i++) {
                double m = Math.abs(bv[i * k + j]);
                if (m > best) {
                    best = m;
                    arg = i;
                }
            }
            if (bv[arg * k + j] < 0) {
                for (int i = 0; i < out; i++) {
                    bv[i * k + j] = -bv[i * k + j];
                }
                for (int c = 0; c < in; c++) {
                    av[j * in + c] = -av[j * in + c];
                }
            }
        }
        if (clamp.isPresent()) {
            double hi = quantile(bv, av, clamp.getAsDouble());
            clampInPlace(bv, -hi, hi);
            clampInPlace(av, -hi, hi);
        }
        return ModuleFactors.of(spec.withRank(k), be.fromRowMajor(out, k, bv), be.fromRowMajor(k, in, av), 1.0);
    }

    /** The q-quantile of the entries of x and y together, interpolating linearly between order statistics. */
    static double quantile(double[] x, double[] y, double q) {
        double[] all = new double[x.length + y.length];
        System.arraycopy(x, 0, all, 0, x.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        Arrays.sort(all);
        if (all.length == 0) {
            return 0;
        }
        double pos = q * (all.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, all.length - 1);
        double frac = pos - lo;
        return all[lo] + frac * (all[hi] - all[lo]);
    }

    private static void clampInPlace(double[] v, double lo, double hi) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(Math.max(v[i], lo), hi);
        }
    }
}
