package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds NaN and infinities in stored bytes without decoding them. An element is non-finite when its exponent
 * bits are all ones; adding the exponent's lowest bit to the masked exponent then carries into the sign bit, so
 * a block is checked by OR-ing those sums (a loop the JIT vectorizes) and looked at element by element only when
 * the sign bit comes out set. F32 is read two elements per long: both carries land in bits 31 and 63, and neither
 * spills into the other element. The bytes are read in place (no copy, no allocation: a scan costs what reading
 * the memory costs).
 *
 * <p>The same scan with a higher exponent threshold finds the first element that is non-finite or of magnitude
 * at least {@link #LARGE} = 2⁶⁴ (the carry then comes from adding {@code 2^(bits) − threshold}), for factors whose
 * products must stay finite in F32 ({@link #firstIndexOrLarge}).
 *
 * <p>Large F32 and F64 runs in native memory (what the loader reads into) are first screened by OpenBLAS's
 * vectorized {@code ?asum}: the sum of magnitudes is NaN or infinite when any element is, so a finite sum clears the
 * run at memory speed (measured: half the time of the scan above); an infinite sum (a NaN, an infinity, or finite
 * values whose sum overflows) falls back to the exact scan, which alone decides. The screen is a {@link MagnitudeSum}
 * found with {@link ServiceLoader} (the CPU backend's OpenBLAS); without one that loads, every run is scanned exactly.
 */
final class NonFinite {
    private static final int BLOCK = 4096;

    private NonFinite() {}

    /**
     * The magnitude from which a factor's element is refused: 2⁶⁴ ≈ 1.8·10¹⁹, where the product of two such
     * elements, the first step of every product, Gram matrix and norm, exceeds F32's range (2¹²⁸ ≈ 3.4·10³⁸).
     */
    static final double LARGE = 0x1p64;

    /** Index of the first non-finite element of {@code bytes} (little-endian {@code dtype}, position to limit), or -1. */
    static long firstIndex(DType dtype, ByteBuffer bytes) {
        return first(dtype, bytes, false);
    }

    /** Index of the first element of {@code bytes} that is non-finite or of magnitude at least {@link #LARGE}, or -1. */
    static long firstIndexOrLarge(DType dtype, ByteBuffer bytes) {
        return first(dtype, bytes, true);
    }

    private static long first(DType dtype, ByteBuffer bytes, boolean large) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.isDirect()
                && b.remaining() >= SCREEN_BYTES
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                && screenedBelow(dtype, b, large ? LARGE : Double.POSITIVE_INFINITY)) {
            return -1;
        }
        // biased exponents from which an element is refused: all ones (non-finite), or that of 2^64
        return switch (dtype) {
            case F32 -> first32(b, large ? 127 + 64 : 0xff);
            case F64 -> first64(b, large ? 1023 + 64 : 0x7ff);
            case F16 -> first16(b, 0x7c00, 10, 0x1f); // F16's largest finite value is 65504
            case BF16 -> first16(b, 0x7f80, 7, large ? 127 + 64 : 0xff);
            default -> -1;
        };
    }

    /** Runs shorter than this are scanned directly (a native call costs about a microsecond). */
    static final int SCREEN_BYTES = 16 << 10;

    /**
     * Whether OpenBLAS's sum of magnitudes proves every element finite and below {@code limit} (false: unknown, scan
     * exactly): each magnitude is at most the sum.
     */
    private static boolean screenedBelow(DType dtype, ByteBuffer b, double limit) {
        MagnitudeSum screen = Screen.SUM;
        if (screen == null || (dtype != DType.F32 && dtype != DType.F64)) {
            return false;
        }
        double sum = screen.sum(dtype, b);
        return Double.isFinite(sum) && sum < limit;
    }

    /** The first {@link MagnitudeSum} on the class path whose native library loads, or null. */
    private static final class Screen {
        static final MagnitudeSum SUM = find();

        private static MagnitudeSum find() {
            ByteBuffer probe = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            probe.putFloat(0, 1f).putFloat(4, -2f);
            for (var it = ServiceLoader.load(MagnitudeSum.class, NonFinite.class.getClassLoader())
                            .iterator();
                    ; ) {
                try {
                    if (!it.hasNext()) {
                        return null;
                    }
                    MagnitudeSum s = it.next();
                    if (s.sum(DType.F32, probe) == 3.0) {
                        return s;
                    }
                } catch (LinkageError | ServiceConfigurationError | RuntimeException e) {
                    // its library is not on the class path (a bundle without the CPU backend): scan exactly
                }
            }
        }
    }

    /** First F32 element whose biased exponent is at least {@code threshold} (8 bits; 0xff: non-finite). */
    private static long first32(ByteBuffer b, int threshold) {
        long add = (long) (0x100 - threshold) << 23;
        long addPair = add | add << 32;
        int minimum = threshold << 23;
        int pairs = b.remaining() >>> 3;
        for (int from = 0; from < pairs; from += BLOCK) {
            int to = Math.min(pairs, from + BLOCK);
            long acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getLong(i << 3) & 0x7f8000007f800000L) + addPair;
            }
            if ((acc & 0x8000000080000000L) != 0) {
                for (int e = 2 * from; e < 2 * to; e++) {
                    if ((b.getInt(e << 2) & 0x7f800000) >= minimum) {
                        return e;
                    }
                }
            }
        }
        if ((b.remaining() & 4) != 0) { // an odd count: the last element
            int last = b.remaining() / 4 - 1;
            return (b.getInt(last << 2) & 0x7f800000) >= minimum ? last : -1;
        }
        return -1;
    }

    /** First F64 element whose biased exponent is at least {@code threshold} (11 bits; 0x7ff: non-finite). */
    private static long first64(ByteBuffer b, int threshold) {
        int n = b.remaining() >>> 3;
        long exponent = 0x7ff0000000000000L;
        long add = (long) (0x800 - threshold) << 52;
        long minimum = (long) threshold << 52;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            long acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getLong(i << 3) & exponent) + add;
            }
            if (acc < 0) {
                for (int i = from; i < to; i++) {
                    if ((b.getLong(i << 3) & exponent) >= minimum) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * First 16-bit element whose biased exponent (the bits of {@code exponent}, lowest at bit {@code shift}) is at
     * least {@code threshold}.
     */
    private static long first16(ByteBuffer b, int exponent, int shift, int threshold) {
        int add = ((exponent >>> shift) + 1 - threshold) << shift;
        int minimum = threshold << shift;
        int n = b.remaining() >>> 1;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            int acc = 0;
            for (int i = from; i < to; i++) {
                acc |= (b.getShort(i << 1) & exponent) + add;
            }
            if ((acc & 0x8000) != 0) {
                for (int i = from; i < to; i++) {
                    if ((b.getShort(i << 1) & exponent) >= minimum) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }
}
