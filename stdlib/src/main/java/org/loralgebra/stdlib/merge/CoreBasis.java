package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.ModuleSpec;

/**
 * The core space of one module's inputs (Panariello et al., NeurIPS 2025, §1 of the notes): with the weight and
 * scale folded into each B (Bₜ ← cₜBₜ, ΔWₜ = BₜAₜ), U_ref = the left singular vectors of B_cat = [B₁ … B_T]
 * (m×p, p = min(m, R)) and V_ref = the right singular vectors of A_cat = [A₁; …; A_T] (n×q, q = min(n, R)), found
 * without forming anything m×n: QR(B_cat) = Q·R_B, SVD(R_B) = P·Σ·Hᵀ, U_ref = Q·P (likewise for A). Each update
 * is then exactly U_ref·Mₜ·V_refᵀ with the core Mₜ = (U_refᵀBₜ)(AₜV_ref), kept as its two thin factors
 * ({@link #left}: p×rₜ, {@link #right}: rₜ×q). The bases are SVD-aligned, as element-wise core merges (TIES,
 * DARE) need. A singular vector is defined up to its sign, which flips a whole row (column) of every core together:
 * that cancels in the merged update except where a sign election ties (a {@link MajoritySign#FREQUENCY} count of
 * 0), so each basis vector is given a canonical sign, its entry of largest magnitude positive.
 */
final class CoreBasis {
    private final Matrix u;
    private final Matrix v;
    private final List<Matrix> left;
    private final List<Matrix> right;
    private final int span;

    private CoreBasis(Matrix u, Matrix v, List<Matrix> left, List<Matrix> right, int span) {
        this.u = u;
        this.v = v;
        this.left = List.copyOf(left);
        this.right = List.copyOf(right);
        this.span = span;
    }

    /** The core space of the given factors, each update multiplied by {@code c[t]} (weight × scale). */
    static CoreBasis of(Backend be, List<ModuleFactors> factors, double[] c) {
        List<Matrix> bs = new ArrayList<>();
        List<Matrix> ats = new ArrayList<>();
        for (int t = 0; t < factors.size(); t++) {
            bs.add(be.scale(factors.get(t).b(), c[t]));
            ats.add(be.transpose(factors.get(t).a()));
        }
        Backend.Qr qb = be.qr(be.hcat(bs));
        Backend.Qr qa = be.qr(be.hcat(ats));
        Backend.Svd sb = be.svd(qb.r());
        Backend.Svd sa = be.svd(qa.r());
        double[] signB = CoreAlgebra.canonicalSigns(be, be.matmul(qb.q(), false, sb.u(), false));
        double[] signA = CoreAlgebra.canonicalSigns(be, be.matmul(qa.q(), false, sa.u(), false));
        sb = new Backend.Svd(be.scaleColumns(sb.u(), signB), sb.s(), sb.vt());
        sa = new Backend.Svd(be.scaleColumns(sa.u(), signA), sa.s(), sa.vt());
        // the bases' coordinates of each task's factors: Pᵀ·R_B[:, cols of t] and (Pₐᵀ·R_A[:, cols of t])ᵀ
        Matrix coordB = be.matmul(sb.u(), true, qb.r(), false);
        Matrix coordA = be.matmul(sa.u(), true, qa.r(), false);
        List<Matrix> left = new ArrayList<>();
        List<Matrix> right = new ArrayList<>();
        int from = 0;
        for (ModuleFactors f : factors) {
            int to = from + f.rank();
            left.add(be.columns(coordB, from, to));
            right.add(be.transpose(be.columns(coordA, from, to)));
            from = to;
        }
        int span = Math.min(CoreAlgebra.numericalRank(be, sb.s()), CoreAlgebra.numericalRank(be, sa.s()));
        return new CoreBasis(
                be.matmul(qb.q(), false, sb.u(), false), be.matmul(qa.q(), false, sa.u(), false), left, right, span);
    }

    /** Number of tasks. */
    int size() {
        return left.size();
    }

    /** Rows of a core, p = min(m, R). */
    int p() {
        return u.cols();
    }

    /** Columns of a core, q = min(n, R). */
    int q() {
        return v.cols();
    }

    /** min(rank [B₁ … B_T], rank [A₁; …; A_T]): the dimension of the span every merge here stays in. */
    int span() {
        return span;
    }

    /** U_refᵀ·Bₜ [p, rₜ]. */
    Matrix left(int t) {
        return left.get(t);
    }

    /** Aₜ·V_ref [rₜ, q]. */
    Matrix right(int t) {
        return right.get(t);
    }

    /** The core Mₜ [p, q]. */
    Matrix core(Backend be, int t) {
        return be.matmul(left.get(t), false, right.get(t), false);
    }

    /**
     * The factors of α·U_ref·M·V_refᵀ for a merged core M: SVD(M) = X·S·Yᵀ, B = α·U_ref·X·S, A = Yᵀ·V_refᵀ,
     * rank min(p, q), scale 1, canonical signs ({@link SvdFactors#finish}).
     */
    ModuleFactors factors(Backend be, ModuleSpec spec, Matrix merged, double alpha) {
        Backend.Svd svd = be.svd(merged);
        double[] s = svd.s().clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= alpha;
        }
        Matrix b = be.scaleColumns(be.matmul(u, false, svd.u(), false), s);
        Matrix a = be.matmul(svd.vt(), false, v, true);
        return SvdFactors.finish(be, spec, b, a, OptionalDouble.empty());
    }
}
