package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * {@link Method#MODEL_STOCK}, {@link Method#KARCHER} and {@link Method#NUSLERP} on the updates, factored: the Gram
 * matrix of the updates, Gᵢⱼ = ⟨ΔWᵢ, ΔWⱼ⟩_F = tr((BᵢᵀBⱼ)(AⱼAᵢᵀ)) (rᵢ×rⱼ products only), gives the coefficients
 * ({@link GramCoefficients}) and the result Σ cᵢΔWᵢ is written exactly by rank concatenation: B = [c₁B₁ | …],
 * A = [A₁; …], rank Σrᵢ. Cost 2·Σᵢⱼ rᵢrⱼ(out + in) instead of mergekit's N dense out×in tensors. Weights scale the
 * updates for model_stock and karcher (mergekit's take none); for nuslerp they are mergekit's interpolation weights
 * (t = w₁/(w₀ + w₁)).
 */
record GramMerge(Method method, List<Double> weights, double alpha) implements ExecutableKernel {
    GramMerge {
        weights = List.copyOf(weights);
    }

    @Override
    public String describe() {
        return method.id() + " weights=" + weights + (alpha != 1 ? String.format(Locale.ROOT, " alpha=%s", alpha) : "")
                + " on the updates (factored: coefficients from the r×r Gram traces, rank concatenation)";
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return Present.union(
                labels,
                inputs,
                specs -> specs.stream().mapToInt(ModuleSpec::rank).sum());
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        Present p = Present.of(inputs);
        int n = p.size();
        double[] w = p.weights(weights);
        List<Matrix> bs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModuleFactors f = p.factors().get(i);
            double c = method == Method.NUSLERP ? f.scale() : w[i] * f.scale();
            bs.add(be.scale(f.b(), c));
        }
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double[] bb = be.toRowMajor(be.matmul(bs.get(i), true, bs.get(j), false));
                double[] aa = be.toRowMajor(be.matmul(
                        p.factors().get(j).a(), false, p.factors().get(i).a(), true));
                // tr(X·Y) for X = BᵢᵀBⱼ [rᵢ, rⱼ] and Y = AⱼAᵢᵀ [rⱼ, rᵢ]: Σ X[a][b]·Y[b][a]
                int ri = p.factors().get(i).rank();
                int rj = p.factors().get(j).rank();
                double tr = 0;
                for (int a = 0; a < ri; a++) {
                    for (int b = 0; b < rj; b++) {
                        tr += bb[a * rj + b] * aa[b * ri + a];
                    }
                }
                g[i][j] = tr;
                g[j][i] = tr;
            }
        }
        double[] c = switch (method) {
            case MODEL_STOCK -> GramCoefficients.modelStock(g, "module '" + out.name() + "'");
            case KARCHER -> GramCoefficients.karcher(g);
            case NUSLERP -> GramCoefficients.nuslerp(g, w[0], n > 1 ? w[1] : 0);
            default -> throw new IllegalStateException(method + " is not a Gram merge");
        };
        List<Matrix> scaled = new ArrayList<>();
        List<Matrix> as = new ArrayList<>();
        int rank = 0;
        for (int i = 0; i < n; i++) {
            scaled.add(be.scale(bs.get(i), alpha * c[i]));
            as.add(p.factors().get(i).a());
            rank += p.factors().get(i).rank();
        }
        return ModuleFactors.of(out.withRank(rank), be.hcat(scaled), be.vcat(as), 1.0);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double r = inputs.stream()
                .flatMap(Optional::stream)
                .mapToInt(ModuleSpec::rank)
                .sum();
        return 2 * r * r * (out.out() + out.in()) + r * (out.out() + out.in());
    }
}
