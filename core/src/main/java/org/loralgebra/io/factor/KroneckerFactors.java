package org.loralgebra.io.factor;

/**
 * A LoKr update {@code W₁ ⊗ W₂} in its exact LoRA form {@code (B₁ ⊗ B₂)(A₁ ⊗ A₂)}, by the mixed-product rule
 * {@code (B₁A₁) ⊗ (B₂A₂) = (B₁ ⊗ B₂)(A₁ ⊗ A₂)}; a factor stored whole is {@code I·W} or {@code W·I}. Rank
 * {@code r₁·r₂}. For a convolution {@code W₂} is {@code [a₂, b₂, kh, kw]} flattened to {@code a₂ × (b₂·kh·kw)}; then
 * {@code W₁ ⊗ W₂} flattened is the update {@code [a₁a₂, b₁b₂, kh, kw]} flattened, since input channel
 * {@code c = j₁·b₂ + j₂} and column {@code c·kh·kw + k} = {@code j₁·(b₂·kh·kw) + (j₂·kh·kw + k)}.
 */
public final class KroneckerFactors extends TermProduct {
    private KroneckerFactors(String form, int sourceRank, Term first, Term second) {
        super(form, sourceRank, first, second);
    }

    /** The LoKr update {@code first ⊗ second}; {@code sourceRank} is the format's own rank parameter. */
    public static KroneckerFactors of(String form, int sourceRank, Term first, Term second) {
        return new KroneckerFactors(form, sourceRank, first, second);
    }

    @Override
    public int out() {
        return first.out() * second.out();
    }

    @Override
    public int in() {
        return first.in() * second.in();
    }

    @Override
    LowRank combine(LowRank x, LowRank y) {
        return new LowRank(Mat.kron(x.b(), y.b()), Mat.kron(x.a(), y.a()));
    }

    @Override
    public String summary() {
        return "LoKr (" + first.out() + "x" + first.in() + " r " + first.rank() + ")⊗(" + second.out() + "x"
                + second.in() + " r " + second.rank() + ")" + (sums() ? " Tucker" : "") + " = rank " + rank();
    }
}
