package org.loralgebra.stdlib.bake;

import java.util.Optional;
import org.loralgebra.exec.RowMajorProduct;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.model.ModuleSpec;

/**
 * One module's update, held as factors, and how it lands on the base tensors (PEFT's {@code merge}; the stored
 * layouts are {@link ModuleWeight}'s):
 * <ul>
 * <li>linear: W [out, in] += ΔW, or W [in, out] += ΔWᵀ with {@code fan_in_fan_out} (GPT-2's Conv1D);</li>
 * <li>embedding: the table [num_embeddings, dim] += ΔWᵀ;</li>
 * <li>convolution: W [out, in, kh, kw] += ΔW reshaped (the same row-major order);</li>
 * <li>DoRA (linear only): V = W + ΔW, then each output row of V is scaled to the magnitude vector,
 * W' = m ⊙ V / ‖V‖_row, the norm taken over the input dimension;</li>
 * <li>{@code lora_bias}: the base bias += {@code lora_B.bias}.</li>
 * </ul>
 * ΔW = s·B·A is formed in double precision from the factors; the result is rounded once to the base's dtype.
 */
record WeightUpdate(
        ModuleSpec spec, double[] b, double[] a, double scale, Optional<double[]> magnitude, Optional<double[]> bias) {
    /** ΔW = s·B·A, row-major [out, in]. */
    double[] delta() {
        int out = spec.out();
        int in = spec.in();
        int r = a.length / in;
        double[] d = new double[out * in];
        RowMajorProduct.rows(r, in, b, a, scale, 0, out, d);
        return d;
    }

    /** The new weight values (row-major, in the base's stored orientation) from the base's values. */
    double[] applyTo(double[] w) {
        int out = spec.out();
        int in = spec.in();
        double[] d = delta();
        double[] v = w.clone();
        boolean t = ModuleWeight.storedTransposed(spec);
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                v[t ? j * out + i : i * in + j] += d[i * in + j];
            }
        }
        if (magnitude.isPresent()) {
            double[] m = magnitude.get();
            for (int i = 0; i < out; i++) {
                double norm = 0;
                for (int j = 0; j < in; j++) {
                    double x = v[t ? j * out + i : i * in + j];
                    norm += x * x;
                }
                double f = m[i] / Math.sqrt(norm);
                for (int j = 0; j < in; j++) {
                    v[t ? j * out + i : i * in + j] *= f;
                }
            }
        }
        return v;
    }

    /** The new bias values from the base's. */
    double[] applyToBias(double[] baseBias) {
        double[] out = baseBias.clone();
        double[] add = bias.orElseThrow();
        for (int i = 0; i < out.length; i++) {
            out[i] += add[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "WeightUpdate[" + spec + ", scale " + scale + (magnitude.isPresent() ? ", DoRA" : "")
                + (bias.isPresent() ? ", bias" : "") + "]";
    }
}
