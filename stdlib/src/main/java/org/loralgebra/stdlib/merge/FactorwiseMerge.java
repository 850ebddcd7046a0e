package org.loralgebra.stdlib.merge;

import java.util.List;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * PEFT's {@code linear}, {@code ties}, {@code dare_linear}, {@code dare_ties} and {@code magnitude_prune}
 * ({@code _generalized_task_arithmetic_weighted_adapter}): the merge function runs on the stacked A's with weights
 * sign(cᵢ)·√|cᵢ| and, separately, on the stacked B's with weights √|cᵢ| (cᵢ = wᵢ·sᵢ; the sign goes on A only, as
 * in PEFT since negative weights were allowed); the result is B [out, r], A [r, in] with scale 1. Ranks must agree.
 * DARE masks are keyed by (seed, module, input position, factor).
 */
record FactorwiseMerge(Method method, List<Double> weights, Combination combination, long seed)
        implements ExecutableKernel {
    static final long TENSOR_A = 1;
    static final long TENSOR_B = 2;

    FactorwiseMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        return method.id() + " weights=" + weights + " (" + combination + ", on A and B separately"
                + (method.isRandom() ? ", seed " + seed : "") + ")";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        Present.requireEqualRanks(method.id(), labels, inputs);
        return Present.union(labels, inputs, specs -> specs.get(0).rank());
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        double[] w = p.weights(weights);
        double[] wa = new double[w.length];
        double[] wb = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            double c = w[j] * p.factors().get(j).scale();
            wb[j] = Math.sqrt(Math.abs(c));
            wa[j] = c >= 0 ? wb[j] : -wb[j];
        }
        int r = p.factors().get(0).rank();
        String name = out.name();
        double[] a = combination.apply(
                p.size(),
                r * out.in(),
                j -> be.toRowMajor(p.factors().get(j).a()),
                wa,
                j -> SplitMix64.key(seed, name, p.positions().get(j), TENSOR_A));
        double[] b = combination.apply(
                p.size(),
                out.out() * r,
                j -> be.toRowMajor(p.factors().get(j).b()),
                wb,
                j -> SplitMix64.key(seed, name, p.positions().get(j), TENSOR_B));
        return ModuleFactors.of(
                out.withRank(r), be.fromRowMajor(out.out(), r, b), be.fromRowMajor(r, out.in(), a), 1.0);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        return 4.0 * inputs.size() * out.rank() * (out.out() + out.in());
    }
}
