package org.loralgebra.tensor;

import java.nio.ByteBuffer;

/**
 * Decodes and encodes a run of elements of stored tensor bytes (little-endian) from and to {@code double}, so that a
 * large tensor can be processed block by block without a whole-tensor {@code double[]}. Encoding rounds each value
 * once, to nearest even, exactly as {@link Tensor#ofDoubles} does; decoding is exact.
 */
public final class ElementCodec {
    private ElementCodec() {}

    /**
     * Elements {@code [from, from + count)} of {@code src} (stored in {@code dtype}, absolute indexing from position
     * 0) into {@code dst[0, count)}.
     */
    public static void decode(DType dtype, ByteBuffer src, long from, int count, double[] dst) {
        int size = dtype.byteSize();
        int at = Math.toIntExact(from * size);
        switch (dtype) {
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = src.getDouble(at + 8 * i);
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = src.getFloat(at + 4 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = HalfPrecision.f16ToFloat(src.getShort(at + 2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = HalfPrecision.bf16ToFloat(src.getShort(at + 2 * i));
                }
            }
            default -> throw new IllegalArgumentException("cannot decode " + dtype + " elements to double");
        }
    }

    /**
     * {@code src[0, count)} encoded in {@code dtype} into {@code dst} at elements {@code [at, at + count)} (absolute
     * indexing from position 0), each rounded once to nearest even.
     */
    public static void encode(DType dtype, double[] src, int count, ByteBuffer dst, long at) {
        int size = dtype.byteSize();
        int pos = Math.toIntExact(at * size);
        switch (dtype) {
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putDouble(pos + 8 * i, src[i]);
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(pos + 4 * i, (float) src[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(pos + 2 * i, HalfPrecision.doubleToF16(src[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(pos + 2 * i, HalfPrecision.doubleToBf16(src[i]));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode double elements as " + dtype);
        }
    }
}
