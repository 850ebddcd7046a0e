package org.loralgebra.tensor;

/**
 * Conversions between {@code float}/{@code double} and the 16-bit formats IEEE binary16 ({@code F16}) and
 * bfloat16 ({@code BF16}). Encoding rounds to nearest, ties to even, in one rounding step (a {@code double} is
 * not rounded to {@code float} first); NaN stays NaN and infinities stay infinite.
 */
final class HalfPrecision {
    private HalfPrecision() {}

    /** Decodes IEEE binary16 bits (in the low 16 bits of {@code bits}). */
    static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mantissa * 2^-24
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Encodes to IEEE binary16 bits, round to nearest even. */
    static short floatToF16(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int abs = f & 0x7fffffff;
        if (abs >= 0x7f800000) { // Inf or NaN
            int nanBit = abs > 0x7f800000 ? 0x200 | ((abs >>> 13) & 0x3ff) : 0;
            return (short) (sign | 0x7c00 | nanBit);
        }
        if (abs >= 0x477ff000) { // rounds to >= 65520: overflow to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) { // below the smallest normal half: subnormal or zero
            if (abs < 0x33000000) { // < 2^-25 rounds to zero
                return (short) sign;
            }
            int exponent = abs >>> 23;
            int mantissa = (abs & 0x7fffff) | 0x800000;
            int shift = 126 - exponent; // 14..24
            int half = mantissa >>> shift;
            int remainder = mantissa & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (remainder > midpoint || (remainder == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int rounded = abs + 0xfff + ((abs >>> 13) & 1);
        return (short) (sign | ((rounded - 0x38000000) >>> 13));
    }

    /**
     * Encodes a {@code double} to IEEE binary16 bits, rounded once to nearest even. Values whose half is normal
     * ([2⁻¹⁴, 65520) in magnitude) are rounded on the double's bits directly, the rest through {@link #roundToOdd}.
     */
    static short doubleToF16(double value) {
        long bits = Double.doubleToRawLongBits(value);
        long abs = bits & 0x7fffffffffffffffL;
        if (abs >= 0x3f10000000000000L && abs < 0x40effe0000000000L) {
            return roundBits(bits, abs, 42, 1008 << 10);
        }
        return floatToF16(roundToOdd(value));
    }

    /**
     * Encodes a {@code double} to bfloat16 bits, rounded once to nearest even. Values whose bfloat16 is normal
     * ([2⁻¹²⁶, (2 − 2⁻⁸)·2¹²⁷) in magnitude) are rounded on the double's bits directly, the rest through
     * {@link #roundToOdd}.
     */
    static short doubleToBf16(double value) {
        long bits = Double.doubleToRawLongBits(value);
        long abs = bits & 0x7fffffffffffffffL;
        if (abs >= 0x3810000000000000L && abs < 0x47eff00000000000L) {
            return roundBits(bits, abs, 45, 896 << 7);
        }
        return floatToBf16(roundToOdd(value));
    }

    /**
     * The sign of {@code bits} and the magnitude {@code abs} rounded to nearest even at bit {@code drop} (the double
     * mantissa bits the format lacks), the exponent rebiased by subtracting {@code rebias} (the bias difference,
     * already shifted to the format's exponent field). A mantissa that rounds up into the next binade carries into the
     * exponent, which is the right result; the caller keeps the result normal and finite.
     */
    private static short roundBits(long bits, long abs, int drop, int rebias) {
        long rounded = abs + ((1L << (drop - 1)) - 1) + ((abs >>> drop) & 1);
        int sign = (int) (bits >>> 48) & 0x8000;
        return (short) (sign | ((int) (rounded >>> drop) - rebias));
    }

    /**
     * {@code value} rounded to {@code float} with round-to-odd: exact values stay, inexact ones become the
     * neighbour (towards zero or away) whose last mantissa bit is 1. A float so rounded, rounded again to a format
     * with at least two fewer mantissa bits (F16: 11, BF16: 8, float: 24), gives the same result as rounding the
     * double directly, which {@code (float) value} followed by a second rounding does not (double rounding).
     */
    static float roundToOdd(double value) {
        float nearest = (float) value;
        if (nearest == value || Float.isNaN(nearest) || Float.isInfinite(nearest)) {
            return nearest; // exact, NaN, or beyond the float range (and so beyond F16's and BF16's)
        }
        int bits = Float.floatToRawIntBits(nearest);
        if (Math.abs((double) nearest) > Math.abs(value)) {
            bits--; // step back towards zero: truncation (same sign, one ulp smaller in magnitude)
        }
        return Float.intBitsToFloat(bits | 1);
    }

    /** Decodes bfloat16 bits. */
    static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Encodes to bfloat16 bits, round to nearest even. */
    static short floatToBf16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7fffffff) > 0x7f800000) { // NaN: keep it quiet and NaN
            return (short) ((f >>> 16) | 0x40);
        }
        int rounded = f + 0x7fff + ((f >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
