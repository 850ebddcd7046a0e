package org.loralgebra.stdlib.merge;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * A merge function on the dense updates ΔWᵢ = sᵢBᵢAᵢ (PEFT's {@code ties_svd}, {@code dare_ties_svd},
 * {@code dare_linear_svd}, {@code magnitude_prune_svd}; mergekit's {@code ties}, {@code dare_ties},
 * {@code dare_linear}), then the best rank-k approximation of the merged out×in matrix by a dense SVD, in PEFT's
 * layout ({@link SvdFactors}). Each ΔWᵢ carries its scale once: PEFT's code multiplies the weight by sᵢ
 * although {@code get_delta_weight} already includes it, which squares the scale on this path; to reproduce
 * those numbers pass weights wᵢ·sᵢ. k is {@code rank} chosen from the merged singular values, else
 * {@code defaultRank} (PEFT: the largest input rank). DARE masks are keyed by (seed, module, input position).
 */
record UpdateMerge(
        Method method,
        List<Double> weights,
        Combination combination,
        long seed,
        Optional<Rank> rank,
        int defaultRank,
        OptionalDouble clamp)
        implements ExecutableKernel {
    static final long TENSOR_UPDATE = 0;

    UpdateMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        return method.id() + " weights=" + weights + " (" + combination + " on dense updates"
                + (method.isRandom() ? ", seed " + seed : "") + ", then the top-k SVD to rank "
                + rank.map(Object::toString).orElse(String.valueOf(defaultRank))
                + (clamp.isPresent() ? ", clamp " + clamp.getAsDouble() : "")
                + ": randomized subspace iteration checked to a residual of 1e-5 (F32) or 1e-9 (F64), "
                + "else LAPACK's gesvdx)";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(labels, inputs, specs -> {
            ModuleSpec m = specs.get(0);
            int full = Math.min(m.out(), m.in());
            return Math.min(full, rank.map(r -> r.upperBound(m.name(), full)).orElse(defaultRank));
        });
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        String name = out.name();
        int rows = out.out();
        int cols = out.in();
        int n = p.size();
        // each input's dense update s·B·A is recomputed block by block from its factors, never held whole
        UpdateRows dense = UpdateRows.of(be, p, cols);
        Backend.RowFill merged = StreamedCombination.rows(
                combination,
                n,
                rows,
                cols,
                dense,
                p.weights(weights),
                j -> SplitMix64.key(seed, name, p.positions().get(j), TENSOR_UPDATE));
        return RowsSvd.of(be, out, merged, rank, defaultRank, clamp, dense.span(rows, cols));
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double n = out.in();
        double r = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .max()
                .orElse(0);
        double small = Math.min(m, n);
        // N dense products s·B·A (formed twice when the election needs a second pass), then a dense SVD: with a
        // rank known in advance a bidiagonal reduction (about 4·m·n·small) and the wanted triplets; else a thin
        // SVD with every vector (gesdd: about 4·m·n·small + 8·small³)
        double svd = 4 * m * n * small
                + (RowsSvd.knownRank(rank, defaultRank, (int) small).isPresent() ? 0 : 8 * small * small * small);
        return 4 * inputs.size() * m * n * r + svd;
    }
}
