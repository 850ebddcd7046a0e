package org.loralgebra.stdlib.merge;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import org.loralgebra.Rank;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.graph.ModuleKernel;
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
record UpdateMerge(Method method, List<Double> weights, Combination combination, long seed, Optional<Rank> rank,
                   int defaultRank, OptionalDouble clamp) implements ModuleKernel {
    static final long TENSOR_UPDATE = 0;

    UpdateMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        return method.id() + " weights=" + weights + " (" + combination + " on dense updates"
                + (method.isRandom() ? ", seed " + seed : "") + ", then dense SVD to rank "
                + rank.map(Object::toString).orElse(String.valueOf(defaultRank))
                + (clamp.isPresent() ? ", clamp " + clamp.getAsDouble() : "") + ")";
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
        double[] merged = combination.apply(p.size(), out.out() * out.in(),
                j -> be.toRowMajor(Factored.dense(be, p.factors().get(j))), p.weights(weights),
                j -> SplitMix64.key(seed, name, p.positions().get(j), TENSOR_UPDATE));
        Backend.Svd svd = be.svd(be.fromRowMajor(out.out(), out.in(), merged));
        double[] s = svd.s();
        int k = rank.map(r -> r.choose(name, s)).orElse(defaultRank);
        k = Math.max(1, Math.min(k, s.length));
        return SvdFactors.of(be, out, svd.u(), s, svd.vt(), k, clamp);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double n = out.in();
        double r = inputs.stream().flatMap(Optional::stream).mapToInt(ModuleSpec::rank).max().orElse(0);
        double small = Math.min(m, n);
        // N dense products s·B·A (formed twice when the election needs a second pass), then a thin dense SVD
        // with vectors (gesdd: about 4·m·n·k + 8·k³ for k = min(m, n))
        return 4 * inputs.size() * m * n * r + 4 * m * n * small + 8 * small * small * small;
    }
}
