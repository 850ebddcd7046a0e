package org.loralgebra.io.factor;

import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/** One {@link Term} as the update itself: LyCORIS' LoCon with a Tucker core ({@code lora_mid}), rank r. */
public final class TermFactors extends ExactForm {
    private final Term term;

    private TermFactors(String form, Term term) {
        super(form, term.rank(), term.tensors());
        this.term = term;
    }

    /** The update {@code W} of {@code term}. */
    public static TermFactors of(String form, Term term) {
        return new TermFactors(form, term);
    }

    @Override
    public int rank() {
        return term.rank();
    }

    @Override
    public int out() {
        return term.out();
    }

    @Override
    public int in() {
        return term.in();
    }

    @Override
    public boolean sums() {
        return term.sums();
    }

    @Override
    LowRank factors(Function<TensorInfo, Tensor> read) {
        return term.resolve(read);
    }

    @Override
    public String summary() {
        return "LoCon r " + term.rank() + (term.sums() ? " Tucker" : "") + " = rank " + rank();
    }
}
