package org.loralgebra.io.safetensors;

/**
 * Told when a tensor read from a safetensors file holds a NaN or an infinity, or, for a read that bounds magnitudes,
 * a value of magnitude at least {@code Tensor.LARGE} (the first one of each read).
 */
@FunctionalInterface
public interface NonFiniteListener {
    /** {@code tensor}'s element at flat {@code index} is {@code value}, which is not finite (or too large). */
    void found(TensorInfo tensor, long index, double value);
}
