package org.loralgebra.stdlib.bake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.stream.IntStream;
import org.loralgebra.exec.RowMajorProduct;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.ElementCodec;
import org.loralgebra.tensor.Tensor;

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
        double[] d = new double[out * in];
        product(a.length / in).rows(0, out, d);
        return d;
    }

    /** ΔW = s·B·A as a row product, for rank r. */
    private RowMajorProduct product(int r) {
        return RowMajorProduct.of(r, spec.in(), b, a, scale);
    }

    /** Values per block of rows of the fused path, the unit of parallel work: about 64 K values. */
    private static final int BLOCK_VALUES = 1 << 16;

    /**
     * The new weight, in the base's dtype and shape: {@link #applyTo(double[])}'s values, computed in parallel
     * blocks of stored rows, each row decoded, updated and encoded in place of a whole-tensor {@code double[]} (a 4096×11008 weight would take three arrays of 360 MB). A transposed weight takes the update
     * transposed, s·Aᵀ·Bᵀ, so its rows are still rows of a thin product; DoRA on a transposed weight (whose row norms
     * run down stored columns) takes the whole-array path.
     */
    Tensor applyTo(Tensor base) {
        boolean t = ModuleWeight.storedTransposed(spec);
        if (t && magnitude.isPresent()) {
            return Tensor.ofDoubles(base.dtype(), base.shape(), applyTo(base.toDoubleArray()));
        }
        int out = spec.out();
        int in = spec.in();
        int r = a.length / in;
        int rows = t ? in : out;
        int cols = t ? out : in;
        RowMajorProduct delta =
                t ? RowMajorProduct.of(r, out, transpose(a, r, in), transpose(b, out, r), scale) : product(r);
        DType dtype = base.dtype();
        ByteBuffer src = base.bytes();
        ByteBuffer dst = ByteBuffer.allocate(Math.toIntExact(base.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        int block = Math.max(1, BLOCK_VALUES / Math.max(1, cols));
        int blocks = (rows + block - 1) / block;
        IntStream.range(0, blocks).parallel().forEach(k -> {
            double[] v = new double[cols];
            double[] d = new double[cols];
            for (int i = k * block, to = Math.min(rows, i + block); i < to; i++) {
                ElementCodec.decode(dtype, src, (long) i * cols, cols, v);
                delta.row(i, d);
                for (int j = 0; j < cols; j++) {
                    v[j] += d[j];
                }
                if (magnitude.isPresent()) {
                    double norm = 0;
                    for (int j = 0; j < cols; j++) {
                        norm += v[j] * v[j];
                    }
                    double f = magnitude.get()[i] / Math.sqrt(norm);
                    for (int j = 0; j < cols; j++) {
                        v[j] *= f;
                    }
                }
                ElementCodec.encode(dtype, v, cols, dst, (long) i * cols);
            }
        });
        return Tensor.ofBytes(dtype, base.shape(), dst);
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] out = new double[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = m[i * cols + j];
            }
        }
        return out;
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
