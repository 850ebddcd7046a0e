package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Finds NaN and infinities in stored bytes without decoding them. An element is non-finite when its exponent
 * bits are all ones; adding the exponent's lowest bit to the masked exponent then carries into the sign bit, so
 * a block is checked by OR-ing those sums (a loop the JIT vectorizes) and looked at element by element only when
 * the sign bit comes out set. F32 is read two elements per long: both carries land in bits 31 and 63, and neither
 * spills into the other element. The bytes are read in place (no copy, no allocation: a scan costs what reading
 * the memory costs).
 *
 * <p>Large F32 and F64 runs in native memory (what the loader reads into) are first screened by OpenBLAS's
 * vectorized {@code ?asum}: the sum of magnitudes is NaN or infinite when any element is, so a finite sum clears the
 * run at memory speed (measured: half the time of the scan above); an infinite sum (a NaN, an infinity, or finite
 * values whose sum overflows) falls back to the exact scan, which alone decides.
 */
final class NonFinite {
    private static final int BLOCK = 4096;

    private NonFinite() {
    }

    /** Index of the first non-finite element of {@code bytes} (little-endian {@code dtype}, position to limit), or -1. */
    static long firstIndex(DType dtype, ByteBuffer bytes) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.isDirect() && b.remaining() >= SCREEN_BYTES && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                && screenedFinite(dtype, b)) {
            return -1;
        }
        return switch (dtype) {
            case F32 -> first32(b);
            case F64 -> first64(b);
            case F16 -> first16(b, 0x7c00, 0x0400);
            case BF16 -> first16(b, 0x7f80, 0x0080);
            default -> -1;
        };
    }

    /** Runs shorter than this are scanned directly (a native call costs about a microsecond). */
    static final int SCREEN_BYTES = 16 << 10;

    /** Whether OpenBLAS's sum of magnitudes proves every element finite (false: unknown, scan exactly). */
    private static boolean screenedFinite(DType dtype, ByteBuffer b) {
        org.bytedeco.javacpp.BytePointer at = new BytePointer(b);
        if (dtype == DType.F32) {
            float sum = openblas.cblas_sasum(b.remaining() / 4, new FloatPointer(at), 1);
            return Float.isFinite(sum);
        }
        if (dtype == DType.F64) {
            double sum = openblas.cblas_dasum(b.remaining() / 8, new DoublePointer(at), 1);
            return Double.isFinite(sum);
        }
        return false;
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
