package org.loralgebra.io.factor;

import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.FactorSource;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** What the computed forms share: their name, stored tensors, source rank, and the step from {@link LowRank} to tensors. */
abstract class ExactForm implements FactorSource.Computed {
    private final String form;
    private final int sourceRank;
    private final List<TensorInfo> tensors;

    ExactForm(String form, int sourceRank, List<TensorInfo> tensors) {
        this.form = form;
        this.sourceRank = sourceRank;
        this.tensors = List.copyOf(tensors);
    }

    /** The rank of the exact LoRA form: the columns of {@code B}, the rows of {@code A}. */
    public abstract int rank();

    /** Rows of the update. */
    public abstract int out();

    /** Columns of the update (a kernel flattened in). */
    public abstract int in();

    /** {@code B} and {@code A}. */
    abstract LowRank factors(Function<TensorInfo, Tensor> read);

    /** Whether computing the factors sums products (a Tucker core), so that they are exact only to round-off. */
    public abstract boolean sums();

    /** The dtype the computed factors are held in ({@link ExactDtype#of}). */
    public final DType dtype() {
        return ExactDtype.of(tensors, sums());
    }

    @Override
    public final Factors compute(Function<TensorInfo, Tensor> read) {
        DType dtype = dtype();
        LowRank f = factors(read);
        if (f.b().rows() != out() || f.a().cols() != in() || f.a().rows() != rank()) {
            throw new IllegalStateException(form + ": computed B " + f.b() + ", A " + f.a() + " for an update " + out()
                    + "x" + in() + " of rank " + rank());
        }
        return new Factors(f.a().toTensor(dtype), f.b().toTensor(dtype));
    }

    @Override
    public final List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public final String form() {
        return form;
    }

    @Override
    public final int sourceRank() {
        return sourceRank;
    }

    @Override
    public String toString() {
        return summary();
    }
}
