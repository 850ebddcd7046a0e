package org.loralgebra.io.factor;

import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/**
 * A VeRA update {@code diag(λ_b)·B[:out, :]·diag(λ_d)·A[:, :in]} (PEFT's {@code (λ_b·B) @ (λ_d·A)}) with the shared
 * projections {@code A [r, in_max]}, {@code B [out_max, r]} as {@code B' = diag(λ_b)·B[:out, :]},
 * {@code A' = diag(λ_d)·A[:, :in]}: every entry one product of two stored values. Rank r.
 */
public final class VeraFactors extends ExactForm {
    private final TensorInfo sharedA;
    private final TensorInfo sharedB;
    private final TensorInfo lambdaB;
    private final TensorInfo lambdaD;
    private final int in;

    private VeraFactors(TensorInfo sharedA, TensorInfo sharedB, TensorInfo lambdaB, TensorInfo lambdaD, int in) {
        super("vera", (int) sharedA.dim(0), List.of(lambdaB, lambdaD, sharedA, sharedB));
        this.sharedA = sharedA;
        this.sharedB = sharedB;
        this.lambdaB = lambdaB;
        this.lambdaD = lambdaD;
        this.in = in;
    }

    /**
     * The update of one module: {@code λ_b [out]}, {@code λ_d [r]}, the shared {@code A [r, in_max]} and
     * {@code B [out_max, r]}, for a layer of {@code in} inputs.
     */
    public static VeraFactors of(
            TensorInfo sharedA, TensorInfo sharedB, TensorInfo lambdaB, TensorInfo lambdaD, int in) {
        return new VeraFactors(sharedA, sharedB, lambdaB, lambdaD, in);
    }

    @Override
    public int rank() {
        return (int) sharedA.dim(0);
    }

    @Override
    public int out() {
        return (int) Tensor.numel(lambdaB.shape());
    }

    @Override
    public int in() {
        return in;
    }

    @Override
    public boolean sums() {
        return false;
    }

    @Override
    LowRank factors(Function<TensorInfo, Tensor> read) {
        int r = rank();
        double[] lb = read.apply(lambdaB).toDoubleArray();
        double[] ld = read.apply(lambdaD).toDoubleArray();
        Mat a = Mat.of(read.apply(sharedA), r);
        Mat b = Mat.of(read.apply(sharedB), (int) sharedB.dim(0));
        double[] bv = new double[out() * r];
        for (int i = 0; i < out(); i++) {
            for (int p = 0; p < r; p++) {
                bv[i * r + p] = lb[i] * b.get(i, p);
            }
        }
        double[] av = new double[r * in];
        for (int p = 0; p < r; p++) {
            for (int c = 0; c < in; c++) {
                av[p * in + c] = ld[p] * a.get(p, c);
            }
        }
        return new LowRank(new Mat(out(), r, bv), new Mat(r, in, av));
    }

    @Override
    public String summary() {
        return "VeRA diag(λ_b)·B·diag(λ_d)·A, shared r " + rank() + " = rank " + rank();
    }
}
