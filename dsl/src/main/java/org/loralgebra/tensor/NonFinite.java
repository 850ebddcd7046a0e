package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds NaN and infinities in stored bytes without decoding them. An element is non-finite when its exponent
 * bits are all ones; adding the exponent's lowest bit to the masked exponent then carries into the sign bit, so
 * a block is checked by OR-ing those sums (a loop the JIT vectorizes) and looked at element by element only when
 * the sign bit comes out set. F32 is read two elements per long: both carries land in bits 31 and 63, and neither
 * spills into the other element. The bytes are read in place (no copy, no allocation: a scan costs what reading
 * the memory costs).
 */
final class NonFinite {
    private static final int BLOCK = 4096;

    private NonFinite() {
    }

    /** Index of the first non-finite element of {@code bytes} (little-endian {@code dtype}, position to limit), or -1. */
    static long firstIndex(DType dtype, ByteBuffer bytes) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case F32 -> first32(b);
            case F64 -> first64(b);
            case F16 -> first16(b, 0x7c00, 0x0400);
            case BF16 -> first16(b, 0x7f80, 0x0080);
            default -> -1;
        };
    }

    private static long first32(ByteBuffer b) {
        int pairs = b.remaining() >>> 3;
        for (int from = 0; from < pairs; from += BLOCK) {
            int to = Math.min(pairs, from + BLOCK);
            long acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getLong(i << 3) & 0x7f8000007f800000L) + 0x0080000000800000L;
            }
            if ((acc & 0x8000000080000000L) != 0) {
                for (int e = 2 * from; e < 2 * to; e++) {
                    if ((b.getInt(e << 2) & 0x7f800000) == 0x7f800000) {
                        return e;
                    }
                }
            }
        }
        if ((b.remaining() & 4) != 0) { // an odd count: the last element
            int last = b.remaining() / 4 - 1;
            return (b.getInt(last << 2) & 0x7f800000) == 0x7f800000 ? last : -1;
        }
        return -1;
    }

    private static long first64(ByteBuffer b) {
        int n = b.remaining() >>> 3;
        long exponent = 0x7ff0000000000000L;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            long acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getLong(i << 3) & exponent) + 0x0010000000000000L;
            }
            if (acc < 0) {
                for (int i = from; i < to; i++) {
                    if ((b.getLong(i << 3) & exponent) == exponent) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static long first16(ByteBuffer b, int exponent, int lowestBit) {
        int n = b.remaining() >>> 1;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            int acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getShort(i << 1) & exponent) + lowestBit;
            }
            if ((acc & 0x8000) != 0) {
                for (int i = from; i < to; i++) {
                    if ((b.getShort(i << 1) & exponent) == exponent) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }
}
