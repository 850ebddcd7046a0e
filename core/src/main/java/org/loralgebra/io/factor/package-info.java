/**
 * Exact LoRA forms of the other additive low-rank formats, computed when a module is read: LoHa as
 * {@code (B₁•B₂)(A₁∗A₂)} ({@link org.loralgebra.io.factor.HadamardFactors}), LoKr as {@code (B₁⊗B₂)(A₁⊗A₂)}
 * ({@link org.loralgebra.io.factor.KroneckerFactors}), AdaLoRA as {@code B·diag(E)·A}
 * ({@link org.loralgebra.io.factor.AdaloraFactors}), VeRA as {@code diag(λ_b)·B·diag(λ_d)·A}
 * ({@link org.loralgebra.io.factor.VeraFactors}), and Tucker cores of convolutions ({@link org.loralgebra.io.factor.Term}).
 * Factors keep the rank of the form (r₁·r₂ for LoHa and LoKr) even where the update's numerical rank is lower; their
 * entries are single products of stored values, held in a dtype that holds them exactly
 * ({@link org.loralgebra.io.factor.ExactDtype}), or for Tucker cores sums of such products in double precision.
 */
package org.loralgebra.io.factor;
