package org.loralgebra.exec.nd4j;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.MagnitudeSum;

/** OpenBLAS's {@code cblas_sasum}/{@code cblas_dasum} on the bytes in place: the non-finite scan's fast screen. */
public final class OpenBlasMagnitudeSum implements MagnitudeSum {
    @Override
    public double sum(DType dtype, ByteBuffer b) {
        BytePointer at = new BytePointer(b);
        return switch (dtype) {
            case F32 -> openblas.cblas_sasum(b.remaining() / 4, new FloatPointer(at), 1);
            case F64 -> openblas.cblas_dasum(b.remaining() / 8, new DoublePointer(at), 1);
            default -> throw new IllegalArgumentException("?asum sums F32 or F64, not " + dtype);
        };
    }
}
