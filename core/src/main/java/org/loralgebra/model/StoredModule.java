package org.loralgebra.model;

import java.util.Optional;
import org.loralgebra.tensor.Tensor;

/**
 * One module's tensors as stored: {@code a} ({@code lora_A}, {@code [r, in]}, or {@code [r, in, kh, kw]} for a
 * convolution), {@code b} ({@code lora_B}, {@code [out, r]} or {@code [out, r, 1, 1]}), the scale of the update
 * {@code ΔW = scale·B·A}, and the optional DoRA magnitude ({@code [out]}) and LoRA bias ({@code [out]}).
 */
public record StoredModule(
        ModuleSpec spec, Tensor a, Tensor b, double scale, Optional<Tensor> magnitude, Optional<Tensor> loraBias) {

    /** A plain module with no DoRA or bias state. */
    public static StoredModule of(ModuleSpec spec, Tensor a, Tensor b, double scale) {
        return new StoredModule(spec, a, b, scale, Optional.empty(), Optional.empty());
    }

    /** {@code A} seen as the matrix {@code [r, in]} (a convolution kernel is flattened). */
    public Tensor aMatrix() {
        return a.rank() == 2 ? a : a.reshape(spec.rank(), spec.in());
    }

    /** {@code B} seen as the matrix {@code [out, r]}. */
    public Tensor bMatrix() {
        return b.rank() == 2 ? b : b.reshape(spec.out(), spec.rank());
    }
}
