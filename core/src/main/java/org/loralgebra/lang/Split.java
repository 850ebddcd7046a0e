package org.loralgebra.lang;

/**
 * How the singular values S of a truncated update {@code U·S·Vᵀ} are shared between the new factors.
 * {@link #BALANCED} (the default) gives {@code B = U·√S}, {@code A = √S·Vᵀ}: both factors have the same
 * column/row norms, which is what LoRA training and mergekit's extract-lora produce. {@link #ALL_ON_B} gives
 * {@code B = U·S}, {@code A = Vᵀ}: A has orthonormal rows, as in PEFT's {@code svd} merges and FedSVD.
 * The product, and so the update, is the same either way; the saved scale (alpha/r) is kept from the input
 * where the input has one scale, and divided out of B and A.
 */
public enum Split {
    BALANCED,
    ALL_ON_B
}
