package org.loralgebra.stdlib.orthogonalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * Per module: input 0's update with every component inside the top-{@code k} singular subspaces of inputs
 * 1…n removed. The subspaces are joined first ({@link SubspaceBasis#union}), so the result is orthogonal to
 * each of them: OUTPUT gives {@code (I − QQᵀ)·ΔW}, INPUT {@code ΔW·(I − PPᵀ)}, BOTH both, with Q (P) an
 * orthonormal basis of the sum of the bases' left (right) top-k subspaces. Modules an input 1…n lacks
 * contribute nothing; modules input 0 lacks are not in the result.
 */
public record JointProjection(Side side, int k) implements ExecutableKernel {
    public JointProjection {
        if (side == null) {
            throw new LoraException("orthogonalize: side is required (output, input or both)");
        }
        if (k < 0) {
            throw new LoraException("orthogonalize: rank must be ≥ 0, got " + k);
        }
    }

    @Override
    public String describe() {
        return "orthogonalize off top-" + (k == Integer.MAX_VALUE ? "all" : String.valueOf(k)) + " "
                + side.name().toLowerCase(Locale.ROOT) + " subspaces of #2…";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        AdapterType.union(ops, specs -> specs.get(0).rank()); // checks base models and shapes, naming the inputs
        return inputs.get(0);
    }

    @Override
    public ModuleFactors apply(Backend backend, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        ModuleFactors f = inputs.get(0).orElseThrow();
        if (k == 0) {
            return f;
        }
        List<Matrix> left = new ArrayList<>();
        List<Matrix> right = new ArrayList<>();
        for (Optional<ModuleFactors> base : inputs.subList(1, inputs.size())) {
            if (base.isEmpty()) {
                continue;
            }
            ModuleSvd svd = Factored.svd(backend, base.get());
            if (side.output()) {
                SubspaceBasis.top(backend, svd, Side.OUTPUT, k).ifPresent(left::add);
            }
            if (side.input()) {
                SubspaceBasis.top(backend, svd, Side.INPUT, k).ifPresent(right::add);
            }
        }
        ModuleFactors result = f;
        Optional<Matrix> q = SubspaceBasis.union(backend, left);
        if (q.isPresent()) {
            result = Factored.projectOutput(backend, result, q.get());
        }
        Optional<Matrix> p = SubspaceBasis.union(backend, right);
        if (p.isPresent()) {
            result = Factored.projectInput(backend, result, p.get());
        }
        return result;
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double r = out.rank();
        double total = 0;
        double joint = 0;
        for (Optional<ModuleSpec> base : inputs.subList(1, inputs.size())) {
            if (base.isPresent()) {
                double rb = base.get().rank();
                total += 4 * (out.out() + out.in()) * rb * rb + 22 * rb * rb * rb;
                joint += Math.min(k, rb);
            }
        }
        double sides = (side.output() ? out.out() : 0) + (side.input() ? out.in() : 0);
        return total + 4 * sides * joint * joint + 4 * sides * joint * r;
    }
}
