package org.loralgebra.tensor;

import java.nio.ByteBuffer;

/**
 * A vectorized sum of magnitudes over F32 or F64 values in native memory, with which the non-finite scan clears a
 * large run at memory speed (a NaN or infinity makes the sum non-finite). A plug-in found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.loralgebra.tensor.MagnitudeSum}): the CPU backend
 * provides OpenBLAS's {@code ?asum}; without a provider whose library loads, runs are scanned exactly.
 */
public interface MagnitudeSum {
    /**
     * {@code Σ|x_i|} over the little-endian {@code dtype} ({@link DType#F32} or {@link DType#F64}) elements of the
     * direct buffer {@code b} from its position to its limit.
     */
    double sum(DType dtype, ByteBuffer b);
}
