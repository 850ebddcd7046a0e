package org.loralgebra.io.factor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/**
 * A computed form that is a product of two {@link Term}s, {@code ΔW = (B₁A₁) ∘ (B₂A₂)}, whose exact LoRA form is the
 * same product taken factor by factor: {@code B = B₁ ∘_B B₂}, {@code A = A₁ ∘_A A₂}, rank {@code r₁·r₂}
 * ({@link HadamardFactors}: face-splitting products; {@link KroneckerFactors}: Kronecker products). Its stored
 * tensors are the first term's, then the second's; it sums where either term does (a Tucker core).
 */
abstract class TermProduct extends ExactForm {
    /** The first term. */
    final Term first;

    /** The second term. */
    final Term second;

    TermProduct(String form, int sourceRank, Term first, Term second) {
        super(form, sourceRank, tensors(first, second));
        this.first = first;
        this.second = second;
    }

    /** The exact form's factors from the terms' own: {@code (B₁ ∘_B B₂, A₁ ∘_A A₂)}. */
    abstract LowRank combine(LowRank first, LowRank second);

    @Override
    public final int rank() {
        return first.rank() * second.rank();
    }

    @Override
    public final boolean sums() {
        return first.sums() || second.sums();
    }

    @Override
    final LowRank factors(Function<TensorInfo, Tensor> read) {
        LowRank x = first.resolve(read);
        LowRank y = second.resolve(read);
        return combine(x, y);
    }

    private static List<TensorInfo> tensors(Term first, Term second) {
        List<TensorInfo> all = new ArrayList<>(first.tensors());
        all.addAll(second.tensors());
        return all;
    }
}
