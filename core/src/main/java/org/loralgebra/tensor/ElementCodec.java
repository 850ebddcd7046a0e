package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes and encodes a run of elements of stored tensor bytes (little-endian) from and to {@code double}, so that a
 * large tensor can be processed block by block without a whole-tensor {@code double[]}. Encoding rounds each value
 * once, to nearest even, exactly as {@link Tensor#ofDoubles} does; decoding is exact.
 */
public final class ElementCodec {
    /** The value of every F16 bit pattern: decoding is one lookup (256 KiB, read far more often than it misses). */
    private static final float[] F16_VALUES = new float[1 << 16];

    static {
        for (int bits = 0; bits < F16_VALUES.length; bits++) {
            F16_VALUES[bits] = HalfPrecision.f16ToFloat(bits);
        }
    }

    private ElementCodec() {}

    /** {@code count} little-endian 16-bit values of {@code src} from byte {@code at}, in one bulk copy. */
    private static short[] shorts(ByteBuffer src, int at, int count) {
        short[] out = new short[count];
        src.duplicate()
                .order(ByteOrder.LITTLE_ENDIAN)
                .position(0)
                .asShortBuffer()
                .get(at / 2, out, 0, count);
        return out;
    }

    /** {@code values} as little-endian 16-bit values into {@code dst} from byte {@code at}, in one bulk copy. */
    private static void putShorts(short[] values, ByteBuffer dst, int at) {
        dst.duplicate()
                .order(ByteOrder.LITTLE_ENDIAN)
                .position(0)
                .asShortBuffer()
                .put(at / 2, values, 0, values.length);
    }

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
                short[] halves = shorts(src, at, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = F16_VALUES[halves[i] & 0xffff];
                }
            }
            case BF16 -> {
                short[] halves = shorts(src, at, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = Float.intBitsToFloat(halves[i] << 16);
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
                short[] halves = new short[count];
                for (int i = 0; i < count; i++) {
                    halves[i] = HalfPrecision.doubleToF16(src[i]);
                }
                putShorts(halves, dst, pos);
            }
            case BF16 -> {
                short[] halves = new short[count];
                for (int i = 0; i < count; i++) {
                    halves[i] = HalfPrecision.doubleToBf16(src[i]);
                }
                putShorts(halves, dst, pos);
            }
            default -> throw new IllegalArgumentException("cannot encode double elements as " + dtype);
        }
    }
}
