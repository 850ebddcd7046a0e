package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * The factored spectral merges — {@link Method#CORE_SPACE}, {@link Method#TSV}, {@link Method#ISO_C},
 * {@link Method#ISO_CTS} — computed on the R×R cores of {@link CoreBasis} (R = Σrₜ) and mapped back:
 * ΔW* = α·U_ref·F({Mₜ})·V_refᵀ, rank ≤ min(R, out, in). Nothing out×in is formed: two QRs of the stacked factors
 * (m×R, n×R) and SVDs of matrices at most R×R, about 4(m+n)R² + 20(T+4)R³ flops per module instead of the
 * reference's T dense m×n updates and their full SVDs.
 *
 * <p>{@code inner} is F ({@link CoreMerge}); {@code isotropize} replaces the merged core's nonzero singular values by
 * their mean (with {@link CoreMerge#TA} that is Iso-C). Iso-CTS (Marczak et al., ICML 2025, Alg. 2) runs on the
 * cores with p := the dimension of the span (min of the ranks of [B₁ … B_T] and [A₁; …; A_T], R when nothing is
 * degenerate) in place of min(m, n): common space k = ⌊f·p⌋ rounded so that the remainder splits
 * evenly (s = min(round-half-even((p − k)/T), ⌊p/T⌋) per task, k = p − T·s), the top-k triplets of ΣMₜ, each task's top s triplets of
 * Mₜ − U_kU_kᵀMₜ, then mean(σ*)·polar(U*)·polar(V*)ᵀ. Singular triplets that are numerically zero are dropped
 * ({@link CoreAlgebra#numericalRank}). Random masks (DARE-TIES) are keyed by (seed, module, input position).
 */
record CoreSpaceMerge(
        Method method,
        List<Double> weights,
        CoreMerge inner,
        boolean isotropize,
        double density,
        MajoritySign sign,
        long seed,
        double commonSpaceFraction,
        double cartRankFraction,
        double cartWeight,
        double alpha)
        implements ExecutableKernel {
    static final long TENSOR_CORE = 3;

    CoreSpaceMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        String f = switch (method) {
            case ISO_CTS -> String.format(Locale.ROOT, "iso_cts common_space_fraction=%s", commonSpaceFraction);
            case CORE_SPACE ->
                "core_space " + inner
                        + switch (inner) {
                            case TIES -> String.format(Locale.ROOT, " density=%s sign=%s", density, sign.peftName());
                            case DARE_TIES -> String.format(Locale.ROOT, " density=%s seed=%d", density, seed);
                            case CART ->
                                String.format(Locale.ROOT, " rank_fraction=%s weight=%s", cartRankFraction, cartWeight);
                            default -> "";
                        }
                        + (isotropize ? " isotropize" : "");
            default -> method.id();
        };
        return f + " weights=" + weights + (alpha != 1 ? " alpha=" + alpha : "")
                + " (factored: QRs of the stacked factors, SVDs of R×R cores, R = Σ ranks)";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, CoreSpaceMerge::rankBound);
    }

    /** min(Σ ranks, out, in): the largest rank a merge in the span of the inputs can have. */
    static int rankBound(List<ModuleSpec> specs) {
        ModuleSpec m = specs.get(0);
        int r = specs.stream().mapToInt(ModuleSpec::rank).sum();
        return Math.max(1, Math.min(r, Math.min(m.out(), m.in())));
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        double[] c = p.weights(weights);
        for (int t = 0; t < c.length; t++) {
            c[t] *= p.factors().get(t).scale();
        }
        CoreBasis basis = CoreBasis.of(be, p.factors(), c);
        Matrix merged = method == Method.ISO_CTS ? isoCts(be, basis) : inner(be, basis, out.name(), p.positions());
        if (isotropize) {
            merged = CoreAlgebra.isotropize(be, merged);
        }
        return basis.factors(be, out, merged, alpha);
    }

    private Matrix inner(Backend be, CoreBasis basis, String module, List<Integer> positions) {
        int n = basis.size();
        return switch (inner) {
            case TA -> sum(be, basis);
            case MEAN -> be.scale(sum(be, basis), 1.0 / n);
            case TIES, DARE_TIES -> {
                Sparsification sp = inner == CoreMerge.TIES
                        ? new Sparsification(Method.Pruning.MAGNITUDE, density, Sparsification.Rescale.NONE)
                        : new Sparsification(Method.Pruning.RANDOM, density, Sparsification.Rescale.INVERSE_DENSITY);
                Combination comb = new Combination(sp, Combination.Style.PEFT_TIES, sign, false);
                double[] ones = new double[n];
                Arrays.fill(ones, 1.0);
                double[] v = comb.apply(
                        n,
                        basis.p() * basis.q(),
                        t -> be.toRowMajor(basis.core(be, t)),
                        ones,
                        t -> SplitMix64.key(seed, module, positions.get(t), TENSOR_CORE));
                yield be.fromRowMajor(basis.p(), basis.q(), v);
            }
            case TSV -> {
                List<CoreAlgebra.Triplets> parts = new ArrayList<>();
                for (int t = 0; t < n; t++) {
                    parts.add(CoreAlgebra.ofProduct(be, basis.left(t), basis.right(t)));
                }
                yield CoreAlgebra.orthogonalized(be, parts, basis.p(), basis.q(), false);
            }
            case CART -> {
                Matrix mean = be.scale(sum(be, basis), 1.0 / n);
                int k = cartRank(totalRank(basis), basis.p(), basis.q(), cartRankFraction);
                Matrix merged = mean;
                for (int t = 0; t < n; t++) {
                    Matrix residual = be.addScaled(basis.core(be, t), mean, -1.0);
                    merged = be.addScaled(merged, CoreAlgebra.truncate(be, residual, k), cartWeight);
                }
                yield merged;
            }
        };
    }

    /** CART's rank k = ⌈ρ·R⌉, at least 1, at most min(p, q). */
    static int cartRank(int totalRank, int p, int q, double fraction) {
        return Math.max(1, Math.min(Math.min(p, q), (int) Math.ceil(fraction * totalRank)));
    }

    private static int totalRank(CoreBasis basis) {
        int r = 0;
        for (int t = 0; t < basis.size(); t++) {
            r += basis.left(t).cols();
        }
        return r;
    }

    private static Matrix sum(Backend be, CoreBasis basis) {
        Matrix s = basis.core(be, 0);
        for (int t = 1; t < basis.size(); t++) {
            s = be.addScaled(s, basis.core(be, t), 1.0);
        }
        return s;
    }

    /** The split of Iso-CTS: {common k, per-task s} for a space of dimension p and T tasks. */
    static int[] isoCtsSplit(int p, int tasks, double fraction) {
        int k = (int) Math.floor(fraction * p);
        // the reference's round-half-even share, never more than the space holds
        int sTotal = Math.min((int) Math.rint((double) (p - k) / tasks), p / tasks) * tasks;
        return new int[] {p - sTotal, sTotal / tasks};
    }

    private Matrix isoCts(Backend be, CoreBasis basis) {
        int n = basis.size();
        int[] split = isoCtsSplit(basis.span(), n, commonSpaceFraction);
        List<CoreAlgebra.Triplets> parts = new ArrayList<>();
        CoreAlgebra.Triplets common = split[0] > 0 ? CoreAlgebra.top(be, sum(be, basis), split[0]) : null;
        if (common != null) {
            parts.add(common);
        }
        if (split[1] > 0) {
            for (int t = 0; t < n; t++) {
                Matrix core = basis.core(be, t);
                if (common != null && common.s().length > 0) {
                    Matrix uk = common.u();
                    core = be.addScaled(core, be.matmul(uk, false, be.matmul(uk, true, core, false), false), -1.0);
                }
                parts.add(CoreAlgebra.top(be, core, split[1]));
            }
        }
        return CoreAlgebra.orthogonalized(be, parts, basis.p(), basis.q(), true);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double n = out.in();
        double r = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .sum();
        double t = inputs.stream().filter(Optional::isPresent).count();
        // QRs of the stacked factors and the basis products, then SVDs of R×R matrices (about 20R³ each)
        return 4 * (m + n) * r * r + 20 * (t + 4) * r * r * r;
    }
}
