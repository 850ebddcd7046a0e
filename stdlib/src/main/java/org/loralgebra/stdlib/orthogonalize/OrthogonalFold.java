package org.loralgebra.stdlib.orthogonalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Split;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * One step of continual merging by orthogonal projection (OPCM, Tang et al. 2025, "Merging Models on the Fly
 * Without Retraining"), for one module, before the global rescaling that {@link ContinualMerge} applies:
 * inputs are the merged-so-far update τ_p (normalized) and the new task's update τ; the result is
 * {@code λ_{t−1}·τ_p + τ̃}.
 *
 * <p>τ̃ is τ with part of its coordinates in τ_p's singular basis removed: with {@code τ_p = U·Σ·Vᵀ} and
 * {@code P = Uᵀ·τ·V}, the diagonal of P and its top-left {@code r_s × r_s} block are zeroed, {@code τ̃ = U·P·Vᵀ},
 * where r_s is the first index (0-based) at which {@code cumsum(σ)/Σσ > α}. As in the reference code
 * (FusionBench {@code opcm}), U and V are complete bases, so τ's components outside τ_p's singular vectors stay.
 *
 * <p>Low-rank adaptation (our decision): a LoRA τ_p of rank R has min(out, in) − R zero singular values whose
 * vectors are an arbitrary choice of the SVD routine; the reference would zero P's diagonal on them too, making
 * the result depend on that choice. Here only directions with σ above the tolerance of {@link SubspaceBasis}
 * count: {@code τ̃ = τ − U_s(U_sᵀτV_s)V_sᵀ − Σ_{r_s ≤ i < R} (u_iᵀτv_i)·u_i·v_iᵀ}, which is the reference's
 * formula whenever τ_p has full rank. Factored, the result is
 * {@code U·(λΣ − D)·Vᵀ + s·B·A} (D: the removed block and diagonal), rank ≤ R + r, re-factored by SVD to its
 * numerical rank (and to {@code maxRank} if that is set: an Eckart–Young truncation, no longer exact).
 */
public record OrthogonalFold(double alpha, double previousLambda, int maxRank) implements ExecutableKernel {
    public OrthogonalFold {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new LoraException("continual merge: alpha must be in [0, 1), got " + alpha);
        }
        if (!(previousLambda > 0) || !Double.isFinite(previousLambda)) {
            throw new LoraException("continual merge: λ must be positive and finite, got " + previousLambda);
        }
        if (maxRank < 0) {
            throw new LoraException("continual merge: max rank must be ≥ 0 (0: no cap), got " + maxRank);
        }
    }

    @Override
    public String describe() {
        return "opcm-fold α=" + alpha + " λ=" + (float) previousLambda + (maxRank > 0 ? " max rank " + maxRank : "");
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        AdapterType union = AdapterType.union(
                ops, specs -> specs.stream().mapToInt(ModuleSpec::rank).sum());
        return union.mapModules(m -> m.withRank(cap(Math.min(m.rank(), Math.min(m.out(), m.in())))));
    }

    private int cap(int r) {
        return maxRank > 0 ? Math.min(r, maxRank) : r;
    }

    /** The index r_s: the first i with {@code (σ₀+…+σᵢ)/Σσ > α}, over the given (nonzero) values. */
    static int splitRank(double[] s, int n, double alpha) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += s[i];
        }
        double running = 0;
        for (int i = 0; i < n; i++) {
            running += s[i];
            if (running / total > alpha) {
                return i;
            }
        }
        return n - 1;
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Optional<ModuleFactors> merged = inputs.get(0);
        Optional<ModuleFactors> task = inputs.get(1);
        if (merged.isEmpty()) {
            return compress(be, out, task.orElseThrow());
        }
        ModuleFactors p = merged.get();
        if (task.isEmpty()) {
            return compress(be, out, ModuleFactors.of(p.spec(), be.scale(p.b(), previousLambda), p.a(), p.scale()));
        }
        ModuleFactors t = task.get();
        ModuleSvd svd = Factored.svd(be, p);
        double[] s = svd.s();
        int n = SubspaceBasis.numericalRank(s, s.length, SubspaceBasis.tolerance(be));
        if (n == 0) {
            return compress(be, out, t);
        }
        int rs = splitRank(s, n, alpha);
        Matrix u = be.columns(svd.u(), 0, n);
        Matrix v = be.columns(svd.v(), 0, n);
        // C = Uᵀ·(s·B·A)·V, n×n: τ's coordinates in τ_p's singular basis.
        Matrix ub = be.matmul(u, true, t.b(), false);
        Matrix av = be.matmul(t.a(), false, v, false);
        double[] c = be.toRowMajor(be.matmul(ub, false, av, false));
        double[] core = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean removed = i == j || i < rs && j < rs;
                double kept = i == j ? previousLambda * s[i] : 0.0;
                core[i * n + j] = kept - (removed ? t.scale() * c[i * n + j] : 0.0);
            }
        }
        Matrix left = be.matmul(u, false, be.fromRowMajor(n, n, core), false);
        Matrix b = be.hcat(List.of(left, t.scale() == 1.0 ? t.b() : be.scale(t.b(), t.scale())));
        Matrix a = be.vcat(List.of(be.transpose(v), t.a()));
        return compress(be, out, ModuleFactors.of(out, b, a, 1.0));
    }

    /** Re-factors to the numerical rank (and the cap), balanced split, scale 1. */
    private ModuleFactors compress(Backend be, ModuleSpec out, ModuleFactors f) {
        ModuleSvd svd = Factored.svd(be, f);
        int keep = Math.max(1, cap(SubspaceBasis.numericalRank(svd.s(), svd.size(), SubspaceBasis.tolerance(be))));
        return Factored.truncate(be, svd, Math.min(keep, svd.size()), Split.BALANCED, 1.0);
    }
}
