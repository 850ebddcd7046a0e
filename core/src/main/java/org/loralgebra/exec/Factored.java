package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.lang.Split;
import org.loralgebra.model.ModuleSpec;

/**
 * The factored-form algorithms every operation is made of. None of them forms the dense out×in update:
 * the SVD of {@code s·B·A} is QR(B) = Q_B·R_B, QR(Aᵀ) = Q_A·R_A, then the r×r SVD of {@code s·R_B·R_Aᵀ}.
 */
public final class Factored {
    private Factored() {}

    /** A weighted term of a sum. */
    public record Term(double weight, ModuleFactors factors) {}

    /**
     * The sum Σ wᵢ·sᵢ·Bᵢ·Aᵢ as one rank-concatenated factor pair: B = [w₁·B₁ | w₂·B₂ | …], A = [A₁; A₂; …].
     * When every term has the same scale s the result keeps it; otherwise scales are folded into B and the
     * result has scale 1. Exact: no approximation.
     */
    public static ModuleFactors concat(Backend be, ModuleSpec spec, List<Term> terms) {
        if (terms.size() == 1 && terms.get(0).weight() == 1.0) {
            return terms.get(0).factors();
        }
        double common = terms.get(0).factors().scale();
        boolean sameScale = terms.stream().allMatch(t -> t.factors().scale() == common);
        List<Matrix> bs = new ArrayList<>(terms.size());
        List<Matrix> as = new ArrayList<>(terms.size());
        for (Term t : terms) {
            double c = sameScale ? t.weight() : t.weight() * t.factors().scale();
            bs.add(c == 1.0 ? t.factors().b() : be.scale(t.factors().b(), c));
            as.add(t.factors().a());
        }
        Matrix b = be.hcat(bs);
        return ModuleFactors.of(spec.withRank(b.cols()), b, be.vcat(as), sameScale ? common : 1.0);
    }

    /** The thin SVD of {@code s·B·A} in factored form (two thin QRs and one r×r SVD). */
    public static ModuleSvd svd(Backend be, ModuleFactors f) {
        Backend.Qr qb = be.qr(f.b());
        Backend.Qr qa = be.qr(be.transpose(f.a()));
        Matrix core = be.matmul(qb.r(), false, qa.r(), true);
        if (f.scale() != 1.0) {
            core = be.scale(core, f.scale());
        }
        Backend.Svd small = be.svd(core);
        Matrix u = be.matmul(qb.q(), false, small.u(), false);
        Matrix v = be.matmul(qa.q(), false, small.vt(), true);
        return new ModuleSvd(f.spec().withRank(small.s().length), u, small.s(), v, f.scale());
    }

    /**
     * The thin SVD of {@code s·B·A} with the singular vectors of one side only ({@code left}: U; otherwise V),
     * the other side null: one QR with Q on that side, a Gram root on the other. What a projection off one side
     * needs, at about half the cost of {@link #svd}.
     */
    public static ModuleSvd oneSidedSvd(Backend be, ModuleFactors f, boolean left) {
        Backend.Qr q = left ? be.qr(f.b()) : be.qr(be.transpose(f.a()));
        Matrix other = left ? be.gramRoot(be.transpose(f.a())) : be.gramRoot(f.b());
        Matrix core = left ? be.matmul(q.r(), false, other, true) : be.matmul(other, false, q.r(), true);
        if (f.scale() != 1.0) {
            core = be.scale(core, f.scale());
        }
        Backend.Svd small = be.svd(core);
        Matrix u = left ? be.matmul(q.q(), false, small.u(), false) : null;
        Matrix v = left ? null : be.matmul(q.q(), false, small.vt(), true);
        return new ModuleSvd(f.spec().withRank(small.s().length), u, small.s(), v, f.scale());
    }

    /**
     * Singular values of {@code s·B·A}, descending, in factored form: r×r roots of the Gram matrices BᵀB and
     * AAᵀ (R_BᵀR_B = BᵀB, R_AᵀR_A = AAᵀ), then the r×r singular values of R_B·R_Aᵀ; no Q, no vectors.
     */
    public static double[] singularValues(Backend be, ModuleFactors f) {
        Matrix rb = be.gramRoot(f.b());
        Matrix ra = be.gramRoot(be.transpose(f.a()));
        double[] s = be.singularValues(be.matmul(rb, false, ra, true));
        double scale = Math.abs(f.scale());
        for (int i = 0; i < s.length; i++) {
            s[i] *= scale;
        }
        return s;
    }

    /**
     * {@link #svd} of each module's factors, in order, as batches: the factors are grouped by shape (out, in, r) and
     * each step (the QRs of the B's, the QRs of the Aᵀ's, the core products, the core SVDs, the products that form U
     * and V) is one batch operation of the backend per group. The same operations as {@link #svd} on the same
     * operands: with the backend's default (looping) batch operations the results are {@link #svd}'s bit for bit.
     */
    public static List<ModuleSvd> svdBatch(Backend be, List<ModuleFactors> factors) {
        ModuleSvd[] out = new ModuleSvd[factors.size()];
        for (List<Integer> group : byShape(factors)) {
            List<ModuleFactors> fs = group.stream().map(factors::get).toList();
            List<Backend.Qr> qb = be.qrBatch(fs.stream().map(ModuleFactors::b).toList());
            List<Backend.Qr> qa =
                    be.qrBatch(fs.stream().map(f -> be.transpose(f.a())).toList());
            List<Matrix> cores = new ArrayList<>(be.matmulBatch(
                    qb.stream().map(Backend.Qr::r).toList(),
                    false,
                    qa.stream().map(Backend.Qr::r).toList(),
                    true));
            for (int i = 0; i < fs.size(); i++) {
                if (fs.get(i).scale() != 1.0) {
                    cores.set(i, be.scale(cores.get(i), fs.get(i).scale()));
                }
            }
            List<Backend.Svd> small = be.svdBatch(cores);
            List<Matrix> us = be.matmulBatch(
                    qb.stream().map(Backend.Qr::q).toList(),
                    false,
                    small.stream().map(Backend.Svd::u).toList(),
                    false);
            List<Matrix> vs = be.matmulBatch(
                    qa.stream().map(Backend.Qr::q).toList(),
                    false,
                    small.stream().map(Backend.Svd::vt).toList(),
                    true);
            for (int i = 0; i < fs.size(); i++) {
                ModuleFactors f = fs.get(i);
                double[] s = small.get(i).s();
                out[group.get(i)] = new ModuleSvd(f.spec().withRank(s.length), us.get(i), s, vs.get(i), f.scale());
            }
        }
        return Arrays.asList(out);
    }

    /**
     * {@link #singularValues} of each module's factors, in order, as batches: grouped by shape (out, in, r), the Gram
     * roots of the B's, those of the Aᵀ's, the core products and the cores' singular values are one batch operation
     * each per group. With the backend's default (looping) batch operations the values are
     * {@link #singularValues}'s bit for bit.
     */
    public static List<double[]> singularValuesBatch(Backend be, List<ModuleFactors> factors) {
        double[][] out = new double[factors.size()][];
        for (List<Integer> group : byShape(factors)) {
            List<ModuleFactors> fs = group.stream().map(factors::get).toList();
            List<Matrix> rb = be.gramRootBatch(fs.stream().map(ModuleFactors::b).toList());
            List<Matrix> ra =
                    be.gramRootBatch(fs.stream().map(f -> be.transpose(f.a())).toList());
            List<double[]> values = be.singularValuesBatch(be.matmulBatch(rb, false, ra, true));
            for (int i = 0; i < fs.size(); i++) {
                double[] s = values.get(i);
                double scale = Math.abs(fs.get(i).scale());
                for (int j = 0; j < s.length; j++) {
                    s[j] *= scale;
                }
                out[group.get(i)] = s;
            }
        }
        return Arrays.asList(out);
    }

    /** The positions of {@code factors} grouped by shape (out, in, r), groups in order of first appearance. */
    private static Collection<List<Integer>> byShape(List<ModuleFactors> factors) {
        Map<List<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < factors.size(); i++) {
            ModuleFactors f = factors.get(i);
            groups.computeIfAbsent(List.of(f.b().rows(), f.rank(), f.a().cols()), k -> new ArrayList<>())
                    .add(i);
        }
        return groups.values();
    }

    /**
     * The best rank-k factors of an SVD (Eckart–Young), written with the given output scale:
     * BALANCED gives B = U·√(S/scale), A = √(S/scale)·Vᵀ; ALL_ON_B gives B = U·S/scale, A = Vᵀ.
     */
    public static ModuleFactors truncate(Backend be, ModuleSvd svd, int k, Split split, double outScale) {
        int keep = Math.min(k, svd.size());
        double[] s = Arrays.copyOf(svd.s(), keep);
        Matrix u = be.columns(svd.u(), 0, keep);
        Matrix v = be.columns(svd.v(), 0, keep);
        double[] left = new double[keep];
        double[] right = new double[keep];
        for (int i = 0; i < keep; i++) {
            double si = s[i] / outScale;
            if (split == Split.BALANCED) {
                left[i] = Math.sqrt(Math.abs(si));
                right[i] = Math.signum(si) * left[i];
            } else {
                left[i] = si;
                right[i] = 1.0;
            }
        }
        Matrix b = be.scaleColumns(u, left);
        Matrix a = split == Split.ALL_ON_B ? be.transpose(v) : be.transpose(be.scaleColumns(v, right));
        return ModuleFactors.of(svd.spec().withRank(keep), b, a, outScale);
    }

    /** B − U(UᵀB): the update with its component in span(U) (orthonormal columns, [out, k]) removed on the left. */
    public static ModuleFactors projectOutput(Backend be, ModuleFactors f, Matrix u) {
        if (u.cols() == 0) {
            return f;
        }
        Matrix utb = be.matmul(u, true, f.b(), false);
        Matrix b = be.addScaled(f.b(), be.matmul(u, false, utb, false), -1.0);
        return ModuleFactors.of(f.spec(), b, f.a(), f.scale());
    }

    /** A − (AV)Vᵀ: the update with its component in span(V) (orthonormal columns, [in, k]) removed on the right. */
    public static ModuleFactors projectInput(Backend be, ModuleFactors f, Matrix v) {
        if (v.cols() == 0) {
            return f;
        }
        Matrix av = be.matmul(f.a(), false, v, false);
        Matrix a = be.addScaled(f.a(), be.matmul(av, false, v, true), -1.0);
        return ModuleFactors.of(f.spec(), f.b(), a, f.scale());
    }

    /** The dense update {@code s·B·A} [out, in]. */
    public static Matrix dense(Backend be, ModuleFactors f) {
        Matrix ba = be.matmul(f.b(), false, f.a(), false);
        return f.scale() == 1.0 ? ba : be.scale(ba, f.scale());
    }
}
