package org.loralgebra.stdlib.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * One module of a LoRA-LEGO merge (see {@link Cluster}): the units of every input that has the module, in
 * canonical order, clustered into min(k, #units) clusters; each centroid, reweighted, is one rank of the result
 * (B = its b halves as columns, A = its a halves as rows, scale 1). The k-means stream is keyed by (seed, module).
 */
record RankClustering(int k, long seed, int maxIterations, boolean parameterReweighting, boolean outputReweighting)
        implements ExecutableKernel {
    @Override
    public String describe() {
        return "cluster k=" + k + " (LoRA-LEGO rank units, k-means++ seed " + seed + ", ≤ " + maxIterations
                + " Lloyd iterations" + (parameterReweighting ? ", parameter reweighting" : "")
                + (outputReweighting ? ", output reweighting" : "") + ")";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        return AdapterType.union(
                ops,
                specs -> Math.min(k, specs.stream().mapToInt(ModuleSpec::rank).sum()));
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        List<double[][]> perInput = new ArrayList<>();
        double rankSum = 0;
        int present = 0;
        for (Optional<ModuleFactors> in : inputs) {
            if (in.isEmpty()) {
                continue;
            }
            ModuleFactors f = in.get();
            perInput.add(
                    RankUnits.of(be.toRowMajor(f.b()), be.toRowMajor(f.a()), out.out(), f.rank(), out.in(), f.scale()));
            rankSum += f.rank();
            present++;
        }
        double[][] units = RankUnits.canonicalOrder(perInput);
        int kk = Math.min(k, units.length);
        KMeans.Result r = KMeans.fit(units, kk, SplitMix64.key(seed, out.name()), maxIterations, true);
        double[][] centres = r.centres();
        if (parameterReweighting) {
            centres = Reweighting.toMemberNorms(centres, units, r.labels());
        }
        double outputFactor = outputReweighting ? Math.sqrt(rankSum / present / kk) : 1.0;
        int o = out.out();
        int in = out.in();
        double[] b = new double[o * kk];
        double[] a = new double[kk * in];
        for (int j = 0; j < kk; j++) {
            for (int i = 0; i < o; i++) {
                b[i * kk + j] = centres[j][i] * outputFactor;
            }
            System.arraycopy(centres[j], o, a, j * in, in);
        }
        return ModuleFactors.of(out.withRank(kk), be.fromRowMajor(o, kk, b), be.fromRowMajor(kk, in, a), 1.0);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double n = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .sum();
        return 3.0 * n * Math.min(k, n) * (out.out() + out.in()) * maxIterations;
    }
}
