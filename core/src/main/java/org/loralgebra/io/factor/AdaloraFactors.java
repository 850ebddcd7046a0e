package org.loralgebra.io.factor;

import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/**
 * An AdaLoRA update {@code B·diag(E)·A} (PEFT's {@code lora_B @ (lora_A * lora_E)}) as {@code B' = B·diag(E)},
 * {@code A' = A}, over the kept ranks: all stored rows, or those a {@code rank_pattern} mask keeps when the tensors
 * were saved untrimmed (a pruned rank's {@code E} is zero, so leaving it out changes nothing). Rank = ranks kept.
 */
public final class AdaloraFactors extends ExactForm {
    private final TensorInfo b;
    private final TensorInfo e;
    private final TensorInfo a;
    private final int[] kept;

    private AdaloraFactors(int initRank, TensorInfo b, TensorInfo e, TensorInfo a, int[] kept) {
        super("adalora", initRank, List.of(a, e, b));
        this.b = b;
        this.e = e;
        this.a = a;
        this.kept = kept.clone();
    }

    /**
     * The update of {@code lora_B [out, r]}, {@code lora_E [r, 1]}, {@code lora_A [r, in]} over the stored rows
     * {@code kept} (ascending); {@code initRank} is AdaLoRA's {@code init_r}.
     */
    public static AdaloraFactors of(int initRank, TensorInfo b, TensorInfo e, TensorInfo a, int[] kept) {
        return new AdaloraFactors(initRank, b, e, a, kept);
    }

    @Override
    public int rank() {
        return kept.length;
    }

    @Override
    public int out() {
        return (int) b.dim(0);
    }

    @Override
    public int in() {
        return (int) a.dim(1);
    }

    @Override
    public boolean sums() {
        return false;
    }

    @Override
    LowRank factors(Function<TensorInfo, Tensor> read) {
        Mat bm = Mat.of(read.apply(b), out());
        double[] ev = read.apply(e).toDoubleArray();
        Mat am = Mat.of(read.apply(a), (int) a.dim(0));
        int k = kept.length;
        double[] bv = new double[out() * k];
        double[] av = new double[k * in()];
        for (int p = 0; p < k; p++) {
            int row = kept[p];
            for (int i = 0; i < out(); i++) {
                bv[i * k + p] = bm.get(i, row) * ev[row];
            }
            System.arraycopy(am.v(), row * in(), av, p * in(), in());
        }
        return new LowRank(new Mat(out(), k, bv), new Mat(k, in(), av));
    }

    @Override
    public String summary() {
        return "AdaLoRA B·diag(E)·A, init_r " + sourceRank() + ", " + rank() + " kept = rank " + rank();
    }
}
