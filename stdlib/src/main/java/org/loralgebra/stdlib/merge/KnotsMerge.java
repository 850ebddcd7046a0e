package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * KnOTS (Stoica et al., ICLR 2025, "Model merging with SVD to tie the KnOTS"; gstoica27/KnOTS): the joint SVD of the
 * updates side by side, X = [ΔW₁ | … | ΔW_T] = U·diag(σ)·[V₁ᵀ … V_Tᵀ] (σ &gt; 1e-5 kept, as the reference), then
 * TIES (or DARE then TIES) on the task blocks Zₜ = diag(σ)·Vₜᵀ (k×in) and ΔW* = α·U·Z*. Factored: with Bₜ ← cₜBₜ,
 * QR([B₁ … B_T]) = Q_B·R_B and QR(Aₜᵀ) = Qₜ·Rₜ give X = Q_B·K·blockdiag(Qₜᵀ) with K = [R_B,₁R₁ᵀ | … ] (R×R), so
 * one R×R SVD K = P·S·Hᵀ yields U = Q_B·P and Zₜ = diag(S)·Hₜᵀ·Qₜᵀ: k×in work per task, never out×in.
 *
 * <p>TIES here: per task keep the ⌊d·k·in⌋ entries of largest |·|, elect the sign of each entry from the sum (or
 * the count, {@link MajoritySign#FREQUENCY}), disjoint mean over the agreeing nonzero entries. DARE-TIES: keep each
 * entry with probability d, divide by d, then elect (no trim, the reference's configs use topK 100). The reference
 * takes TIES' top-K threshold over all modules' Zₜ at once; by default we take it per module (every module a
 * function of its own inputs; {@link ThresholdScope#MODULE}); with {@link ThresholdScope#GLOBAL} the thresholds are
 * the reference's, found over every module first ({@link KnotsThresholds}) and given here as {@code thresholds}, one
 * per input: an entry of Zₜ is kept when its magnitude, rounded to float, is at least input t's threshold. U's
 * columns get canonical signs (largest-magnitude entry positive), which fixes the result where a
 * {@link MajoritySign#FREQUENCY} election ties.
 */
record KnotsMerge(
        Method method,
        List<Double> weights,
        double density,
        MajoritySign sign,
        long seed,
        double alpha,
        List<Float> thresholds)
        implements ExecutableKernel {
    static final long TENSOR_TASK_BLOCK = 4;

    /** The reference's cut on the joint singular values (absolute). */
    static final double SIGMA_CUT = 1e-5;

    KnotsMerge {
        weights = List.copyOf(weights);
        thresholds = List.copyOf(thresholds);
    }

    /** Per-module thresholds (the default). */
    KnotsMerge(Method method, List<Double> weights, double density, MajoritySign sign, long seed, double alpha) {
        this(method, weights, density, sign, seed, alpha, List.of());
    }

    /**
     * The joint SVD's left vectors U (out×k, canonical column signs) and the task blocks Zₜ (k×in), one per present
     * input, with the present inputs; k = 0 (no singular value above the cut) gives no blocks.
     */
    record Blocks(Present present, Matrix u, List<Matrix> z, int k) {}

    @Override
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s weights=%s density=%s%s sign=%s%s%s (factored: QR of the stacked B's and of each Aᵀ, one R×R "
                        + "SVD, TIES on the k×in task blocks)",
                method.id(),
                weights,
                density,
                thresholds.isEmpty() ? "" : " threshold=global " + thresholds,
                sign.peftName(),
                method.isRandom() ? " seed=" + seed : "",
                alpha != 1 ? " alpha=" + alpha : "");
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, CoreSpaceMerge::rankBound);
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Blocks blocks = blocks(be, inputs, weights);
        Present p = blocks.present();
        int n = p.size();
        int k = blocks.k();
        int in = out.in();
        if (k == 0) {
            return ModuleFactors.of(out.withRank(1), be.zeros(out.out(), 1), be.zeros(1, in), 1.0);
        }
        List<Matrix> z = blocks.z();
        Sparsification sp;
        List<double[]> values = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            values.add(be.toRowMajor(z.get(t)));
        }
        if (!thresholds.isEmpty()) {
            // the reference's global top-K: entries below their input's threshold are dropped, the rest elect
            for (int t = 0; t < n; t++) {
                float cut = thresholds.get(p.positions().get(t));
                double[] v = values.get(t);
                for (int i = 0; i < v.length; i++) {
                    if ((float) Math.abs(v[i]) < cut) {
                        v[i] = 0;
                    }
                }
            }
            sp = new Sparsification(Method.Pruning.MAGNITUDE, 1.0, Sparsification.Rescale.NONE);
        } else {
            sp = method == Method.KNOTS_TIES
                    ? new Sparsification(Method.Pruning.MAGNITUDE, density, Sparsification.Rescale.NONE)
                    : new Sparsification(Method.Pruning.RANDOM, density, Sparsification.Rescale.INVERSE_DENSITY);
        }
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        String name = out.name();
        double[] merged = new Combination(sp, Combination.Style.PEFT_TIES, sign, false)
                .apply(
                        n,
                        k * in,
                        values::get,
                        ones,
                        t -> SplitMix64.key(seed, name, p.positions().get(t), TENSOR_TASK_BLOCK));
        Matrix b = be.scale(blocks.u(), alpha);
        Matrix a = be.fromRowMajor(k, in, merged);
        if (k > in) {
            // U·Z* has rank ≤ in: B·A = (B·Rᵀ)·Qᵀ for QR(Aᵀ) = Q·R
            Backend.Qr qz = be.qr(be.transpose(a));
            b = be.matmul(b, false, qz.r(), true);
            a = be.transpose(qz.q());
        }
        return SvdFactors.finish(be, out, b, a, OptionalDouble.empty());
    }

    /** {@link Blocks} of one module: the factored joint SVD of the weighted updates side by side. */
    static Blocks blocks(Backend be, List<Optional<ModuleFactors>> inputs, List<Double> weights) {
        Present p = Present.of(inputs);
        int n = p.size();
        double[] w = p.weights(weights);
        List<Matrix> bs = new ArrayList<>();
        List<Backend.Qr> qa = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            ModuleFactors f = p.factors().get(t);
            bs.add(be.scale(f.b(), w[t] * f.scale()));
            qa.add(be.qr(be.transpose(f.a())));
        }
        Backend.Qr qb = be.qr(be.hcat(bs));
        List<Matrix> blocks = new ArrayList<>();
        int from = 0;
        for (int t = 0; t < n; t++) {
            int to = from + p.factors().get(t).rank();
            blocks.add(be.matmul(be.columns(qb.r(), from, to), false, qa.get(t).r(), true));
            from = to;
        }
        Backend.Svd svd = be.svd(be.hcat(blocks));
        int k = 0;
        while (k < svd.s().length && svd.s()[k] > SIGMA_CUT) {
            k++;
        }
        if (k == 0) {
            return new Blocks(p, null, List.of(), 0);
        }
        // U with canonical column signs (a FREQUENCY election that ties depends on them); Vᵀ rows flip along
        Matrix u = be.matmul(qb.q(), false, be.columns(svd.u(), 0, k), false);
        double[] signs = CoreAlgebra.canonicalSigns(be, u);
        u = be.scaleColumns(u, signs);
        double[] sigma = Arrays.copyOf(svd.s(), k);
        for (int i = 0; i < k; i++) {
            sigma[i] *= signs[i];
        }
        Matrix vt = be.scaleRows(be.rows(svd.vt(), 0, k), sigma);
        List<Matrix> z = new ArrayList<>();
        int col = 0;
        for (int t = 0; t < n; t++) {
            Backend.Qr q = qa.get(t);
            int width = q.r().rows();
            z.add(be.matmul(be.columns(vt, col, col + width), false, q.q(), true));
            col += width;
        }
        return new Blocks(p, u, z, k);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double in = out.in();
        double r = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .sum();
        double t = inputs.stream().filter(Optional::isPresent).count();
        // QRs (m×R and T of in×rₜ), one R×R SVD, the task blocks Zₜ (k×in each) and their TIES
        return 2 * m * r * r + 2 * in * r * r + 20 * r * r * r + 2 * t * r * r * in + 10 * t * r * in;
    }
}
