package org.loralgebra.stdlib.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.Tensor;

/**
 * Intruder-dimension reduction of one module (see {@link ReduceIntruders}): exact SVDs of W (all left singular
 * vectors) and of {@code W + ΔW} (the top k), the intruders I among the top k, then the best rank-r approximation
 * of {@code ΔW + (λ − 1)·Σ_{i∈I} σ_i u_i v_iᵀ} from its factors {@code [s·B | (λ−1)·U_I·Σ_I]·[A; V_Iᵀ]} (two
 * thin QRs and an (r+|I|)² SVD), split as PEFT splits it: {@code B' = U_r·√(S_r/s)}, {@code A' = √(S_r/s)·V_rᵀ}
 * with the adapter's own scale s. A module without intruders is the input factors themselves.
 *
 * @param weights each module's base weight in the checkpoint
 * @param topK    singular vectors of {@code W + ΔW} examined
 * @param epsilon intruder threshold on the best |cosine|
 * @param lambda  the share of each intruder direction kept
 * @param log     where each computed module's measurements go
 */
record IntruderReductionKernel(Map<String, ModuleWeight> weights, int topK, double epsilon, double lambda, Log log)
        implements ExecutableKernel {

    /** The measurements of the modules computed so far; equal only to itself. */
    static final class Log {
        private final Map<String, ModuleReduction> modules = new ConcurrentHashMap<>();

        void add(ModuleReduction m) {
            modules.put(m.module(), m);
        }

        List<ModuleReduction> modules() {
            return new ArrayList<>(modules.values());
        }
    }

    @Override
    public String describe() {
        return "reduce-intruders top-k " + topK + ", ε " + epsilon + ", λ " + lambda;
    }

    @Override
    public AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        return inputs.get(0);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        double m = out.out();
        double n = out.in();
        return 2 * 8.0 * m * n * Math.min(m, n); // two dense SVDs with vectors, about 8·m·n·min each
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        ModuleFactors f = inputs.get(0).orElseThrow();
        Matrix w = baseMatrix(be, weights.get(out.name()));
        return reduce(be, out, w, f, topK, epsilon, lambda, log);
    }

    /**
     * The base weight as {@code [out, in]} (transposed when stored {@code [in, out]}).
     *
     * @throws AdapterFormatException naming the file, tensor, module and position of a non-finite value
     */
    static Matrix baseMatrix(Backend be, ModuleWeight weight) {
        Tensor t = weight.read();
        long bad = t.firstNonFinite();
        if (bad >= 0) {
            long cols = t.dim(t.rank() - 1);
            throw new AdapterFormatException(
                    weight.path(),
                    "base weight '" + weight.tensor() + "' of module '"
                            + weight.spec().name()
                            + "' holds a non-finite value at [" + bad / cols + ", " + bad % cols
                            + "]; intruder reduction needs the SVD of a finite W");
        }
        Matrix m = be.fromTensor(t);
        return weight.transposed() ? be.transpose(m) : m;
    }

    /** One module: detection by the exact definition, then the rank-r refit (see the class comment). */
    static ModuleFactors reduce(
            Backend be, ModuleSpec out, Matrix w, ModuleFactors f, int topK, double epsilon, double lambda, Log log) {
        int r = f.rank();
        double s = f.scale();
        if (r == 0 || s == 0) {
            log.add(new ModuleReduction(out.name(), r, new int[0], new double[0], new double[0], 0));
            return f;
        }
        int n = Math.min(w.rows(), w.cols());
        int k = Math.min(topK, n);
        Matrix sb = be.scale(f.b(), s);
        Matrix merged = be.addScaled(w, be.matmul(sb, false, f.a(), false), 1);
        Matrix baseU = be.svd(w).u();
        Backend.Svd tuned = be.topSvd(merged, k);
        double[] c = be.toRowMajor(be.matmul(tuned.u(), true, baseU, false));
        int cols = baseU.cols();
        List<Integer> found = new ArrayList<>();
        List<Double> cosines = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            double best = 0;
            for (int i = 0; i < cols; i++) {
                best = Math.max(best, Math.abs(c[j * cols + i]));
            }
            if (best < epsilon) {
                found.add(j);
                cosines.add(best);
            }
        }
        if (found.isEmpty()) {
            log.add(new ModuleReduction(out.name(), r, new int[0], new double[0], new double[0], 0));
            return f;
        }
        int[] idx = found.stream().mapToInt(Integer::intValue).toArray();
        double[] sigma = new double[idx.length];
        List<Matrix> us = new ArrayList<>();
        List<Matrix> vts = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
            sigma[i] = tuned.s()[idx[i]];
            us.add(be.columns(tuned.u(), idx[i], idx[i] + 1));
            vts.add(be.rows(tuned.vt(), idx[i], idx[i] + 1));
        }
        double[] weightsI = Arrays.stream(sigma).map(x -> (lambda - 1) * x).toArray();
        Matrix bAug = be.hcat(List.of(sb, be.scaleColumns(be.hcat(us), weightsI)));
        Matrix aAug = be.vcat(List.of(f.a(), be.vcat(vts)));
        ModuleSvd svd = Factored.svd(be, ModuleFactors.of(out, bAug, aAug, 1.0));
        double[] sv = svd.s();
        double[] split = new double[r];
        double[] signed = new double[r];
        for (int i = 0; i < r; i++) {
            split[i] = i < sv.length ? Math.sqrt(sv[i] / Math.abs(s)) : 0;
            signed[i] = Math.signum(s) * split[i];
        }
        int keep = Math.min(r, sv.length);
        Matrix uR = padColumns(be, be.columns(svd.u(), 0, keep), r);
        Matrix vR = padColumns(be, be.columns(svd.v(), 0, keep), r);
        Matrix b = be.scaleColumns(uR, signed);
        Matrix a = be.transpose(be.scaleColumns(vR, split));
        double before = frobenius(be, sb, f.a());
        double change = frobenius(be, be.hcat(List.of(be.scale(b, s), be.scale(sb, -1))), be.vcat(List.of(a, f.a())));
        log.add(new ModuleReduction(
                out.name(),
                r,
                idx,
                sigma,
                cosines.stream().mapToDouble(Double::doubleValue).toArray(),
                before == 0 ? 0 : change / before));
        return new ModuleFactors(out, b, a, s, f.magnitude(), f.loraBias());
    }

    private static Matrix padColumns(Backend be, Matrix m, int cols) {
        return m.cols() == cols ? m : be.hcat(List.of(m, be.zeros(m.rows(), cols - m.cols())));
    }

    /** ‖X·Y‖_F from the factors: √Σ (XᵀX) ∘ (Y·Yᵀ). */
    static double frobenius(Backend be, Matrix x, Matrix y) {
        double[] gx = be.toRowMajor(be.matmul(x, true, x, false));
        double[] gy = be.toRowMajor(be.matmul(y, false, y, true));
        double sum = 0;
        for (int i = 0; i < gx.length; i++) {
            sum += gx[i] * gy[i];
        }
        return Math.sqrt(Math.max(0, sum));
    }
}
