package org.loralgebra.model;

/**
 * How a module's low-rank factors map onto the base weight it updates.
 *
 * <p>In every kind the algebra sees {@code A [r, in]} and {@code B [out, r]} with {@code ΔW = scale·B·A};
 * the kind says how that matrix lands on the base tensor.
 */
public enum ModuleKind {
    /** A linear layer: {@code W [out, in] += ΔW} (or {@code ΔWᵀ} when the base stores {@code [in, out]}). */
    LINEAR,
    /** An embedding table {@code [num_embeddings, dim]}: PEFT's {@code lora_embedding_A [r, num_embeddings]}
     *  and {@code lora_embedding_B [dim, r]}; the table receives {@code ΔWᵀ}. */
    EMBEDDING,
    /** A convolution {@code [out, in, kh, kw]}: {@code A [r, in, kh, kw]} is flattened to {@code [r, in·kh·kw]}
     *  and {@code B [out, r, 1, 1]} to {@code [out, r]}; {@code ΔW} is reshaped back to the kernel. */
    CONV
}
