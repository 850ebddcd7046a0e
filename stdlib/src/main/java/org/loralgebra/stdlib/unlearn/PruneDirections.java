package org.loralgebra.stdlib.unlearn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.loralgebra.stdlib.orthogonalize.SubspaceBasis;

/**
 * Rank-dimension pruning of a forget update, per module: of its nonzero singular directions
 * {@code σᵢ·uᵢ·vᵢᵀ}, the {@code rank} that {@link Pruning} scores highest, as factors {@code B = U_sel·S_sel/s},
 * {@code A = V_selᵀ} with the forget adapter's scale s (directions in descending σ). Input 0 is the forget
 * adapter; input 1, when present, the retain adapter, whose top-{@code retainRank} output subspace the pruning
 * may look at. Modules the forget adapter lacks are not in the result.
 */
public record PruneDirections(int rank, Pruning pruning, int retainRank) implements ExecutableKernel {
    public PruneDirections {
        if (rank < 1) {
            throw new LoraException("unlearn: prune rank must be ≥ 1, got " + rank);
        }
        if (retainRank < 1) {
            throw new LoraException("unlearn: retain rank must be ≥ 1, got " + retainRank);
        }
        if (pruning == null) {
            throw new LoraException("unlearn: pruning is required (energy or least-overlap)");
        }
    }

    @Override
    public String describe() {
        return "prune-directions " + rank + " by " + pruning.describe();
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        AdapterType.union(ops, specs -> specs.get(0).rank());
        return inputs.get(0).mapModules(m -> m.withRank(Math.min(rank, Math.min(m.rank(), Math.min(m.out(), m.in())))));
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        ModuleFactors forget = inputs.get(0).orElseThrow();
        ModuleSvd svd = Factored.svd(be, forget);
        int n = SubspaceBasis.numericalRank(svd.s(), svd.size(), SubspaceBasis.tolerance(be));
        if (n == 0) {
            return forget;
        }
        Optional<Matrix> retain = inputs.size() > 1 && inputs.get(1).isPresent()
                ? SubspaceBasis.top(be, Factored.svd(be, inputs.get(1).get()), Side.OUTPUT, retainRank)
                : Optional.empty();
        int[] chosen = choose(pruning.scores(be, svd, n, retain), Math.min(rank, n));
        double scale = forget.scale() != 0 ? forget.scale() : 1.0;
        double[] s = svd.s();
        List<Matrix> us = new ArrayList<>();
        List<Matrix> vs = new ArrayList<>();
        double[] weights = new double[chosen.length];
        for (int k = 0; k < chosen.length; k++) {
            us.add(be.columns(svd.u(), chosen[k], chosen[k] + 1));
            vs.add(be.columns(svd.v(), chosen[k], chosen[k] + 1));
            weights[k] = s[chosen[k]] / scale;
        }
        Matrix b = be.scaleColumns(be.hcat(us), weights);
        Matrix a = be.transpose(be.hcat(vs));
        return ModuleFactors.of(out, b, a, scale);
    }

    /** The indices of the {@code k} highest scores (ties: the lower index), ascending. */
    static int[] choose(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(scores[y], scores[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = order[i];
        }
        Arrays.sort(out);
        return out;
    }
}
