package org.loralgebra.io.factor;

/**
 * A LoHa update {@code (B₁A₁) ⊙ (B₂A₂)} in its exact LoRA form {@code (B₁ • B₂)(A₁ ∗ A₂)}, with the row-wise
 * Kronecker (face-splitting) product {@code •} and the column-wise one {@code ∗}: entry {@code (i, j)} of the product
 * is {@code Σ_{p,q} B₁[i,p]B₂[i,q]·A₁[p,j]A₂[q,j] = (B₁A₁)[i,j]·(B₂A₂)[i,j]}. Rank {@code r₁·r₂}, kept even when the
 * update's numerical rank is lower ({@code truncate} lowers it). Either factor may be a Tucker {@link Term}.
 */
public final class HadamardFactors extends TermProduct {
    private HadamardFactors(String form, int sourceRank, Term first, Term second) {
        super(form, sourceRank, first, second);
    }

    /**
     * The LoHa update of two terms of the same shape; {@code sourceRank} is the format's own rank parameter.
     *
     * @throws IllegalArgumentException when the terms' shapes differ
     */
    public static HadamardFactors of(String form, int sourceRank, Term first, Term second) {
        if (first.out() != second.out() || first.in() != second.in()) {
            throw new IllegalArgumentException("Hadamard product of " + first + " and " + second);
        }
        return new HadamardFactors(form, sourceRank, first, second);
    }

    @Override
    public int out() {
        return first.out();
    }

    @Override
    public int in() {
        return first.in();
    }

    @Override
    LowRank combine(LowRank x, LowRank y) {
        return new LowRank(Mat.faceSplitRows(x.b(), y.b()), Mat.faceSplitColumns(x.a(), y.a()));
    }

    @Override
    public String summary() {
        return "LoHa (r " + first.rank() + ")⊙(r " + second.rank() + ")" + (sums() ? " Tucker" : "") + " = rank "
                + rank();
    }
}
