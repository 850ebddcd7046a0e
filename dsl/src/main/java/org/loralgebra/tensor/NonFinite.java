package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Finds NaN and infinities in stored bytes without decoding them. An element is non-finite when its exponent
 * bits are all ones; adding the exponent's lowest bit to the masked exponent then carries into the sign bit, so
 * a chunk is checked by OR-ing those sums (a loop the JIT vectorizes) and looked at element by element only when
 * the sign bit comes out set.
 */
final class NonFinite {
    private static final int CHUNK = 4096;

    private NonFinite() {
    }

    /** Index of the first non-finite element of {@code bytes} (little-endian {@code dtype}), or -1. */
    static long firstIndex(DType dtype, ByteBuffer bytes) {
        return switch (dtype) {
            case F32 -> first32(bytes.asIntBuffer());
            case F64 -> first64(bytes.asLongBuffer());
            case F16 -> first16(bytes.asShortBuffer(), 0x7c00, 0x0400);
            case BF16 -> first16(bytes.asShortBuffer(), 0x7f80, 0x0080);
            default -> -1;
        };
    }

    private static long first32(IntBuffer in) {
        int[] chunk = new int[Math.min(CHUNK, in.remaining())];
        for (int base = 0; in.hasRemaining(); base += chunk.length) {
            int n = Math.min(chunk.length, in.remaining());
            in.get(chunk, 0, n);
            int acc = 0;
            for (int i = 0; i < n; i++) {
                acc |= (chunk[i] & 0x7f800000) + 0x00800000;
            }
            if (acc < 0) {
                for (int i = 0; i < n; i++) {
                    if ((chunk[i] & 0x7f800000) == 0x7f800000) {
                        return base + (long) i;
                    }
                }
            }
        }
        return -1;
    }

    private static long first64(LongBuffer in) {
        long[] chunk = new long[Math.min(CHUNK, in.remaining())];
        long exponent = 0x7ff0000000000000L;
        for (int base = 0; in.hasRemaining(); base += chunk.length) {
            int n = Math.min(chunk.length, in.remaining());
            in.get(chunk, 0, n);
            long acc = 0;
            for (int i = 0; i < n; i++) {
                acc |= (chunk[i] & exponent) + 0x0010000000000000L;
            }
            if (acc < 0) {
                for (int i = 0; i < n; i++) {
                    if ((chunk[i] & exponent) == exponent) {
                        return base + (long) i;
                    }
                }
            }
        }
        return -1;
    }

    private static long first16(ShortBuffer in, int exponent, int lowestBit) {
        short[] chunk = new short[Math.min(CHUNK, in.remaining())];
        for (int base = 0; in.hasRemaining(); base += chunk.length) {
            int n = Math.min(chunk.length, in.remaining());
            in.get(chunk, 0, n);
            int acc = 0;
            for (int i = 0; i < n; i++) {
                acc |= (chunk[i] & exponent) + lowestBit;
            }
            if ((acc & 0x8000) != 0) {
                for (int i = 0; i < n; i++) {
                    if ((chunk[i] & exponent) == exponent) {
                        return base + (long) i;
                    }
                }
            }
        }
        return -1;
    }
}
