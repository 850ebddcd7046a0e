package org.loralgebra.tensor;

import java.math.BigDecimal;

/**
 * An independent model of a small binary float format (sign, {@code exponentBits}, {@code mantissaBits}): values
 * computed from the definition with {@link Math#scalb}, and round-to-nearest-even found by binary search over the
 * bit patterns with exact decimal distances. Slow and obvious, to check {@link HalfPrecision} against.
 */
public record HalfReference(int exponentBits, int mantissaBits) {
    public static final HalfReference F16 = new HalfReference(5, 10);
    public static final HalfReference BF16 = new HalfReference(8, 7);

    public int bias() {
        return (1 << (exponentBits - 1)) - 1;
    }

    public int maxExponent() {
        return (1 << exponentBits) - 1;
    }

    /** The largest finite bit pattern (positive). */
    public int maxFinite() {
        return (maxExponent() << mantissaBits) - 1;
    }

    public int signBit() {
        return 1 << (exponentBits + mantissaBits);
    }

    /** The value of a bit pattern, from the definition. */
    public double value(int bits) {
        int sign = (bits & signBit()) != 0 ? -1 : 1;
        int e = (bits >>> mantissaBits) & maxExponent();
        int m = bits & ((1 << mantissaBits) - 1);
        if (e == maxExponent()) {
            return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (e == 0) {
            return sign * Math.scalb((double) m, 1 - bias() - mantissaBits);
        }
        return sign * Math.scalb((double) ((1 << mantissaBits) + m), e - bias() - mantissaBits);
    }

    /** The bit pattern nearest to {@code x}, ties to the even pattern; beyond the top, infinity. */
    public int nearest(double x) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("NaN has no nearest value");
        }
        int sign = (Double.doubleToRawLongBits(x) < 0) ? signBit() : 0;
        double a = Math.abs(x);
        int lo = 0;
        int hi = maxFinite();
        if (a >= value(hi)) {
            // the next step above the largest finite value, as if the exponent went on
            double next = Math.scalb(1.0, maxExponent() - bias());
            if (a == value(hi)) {
                return sign | hi;
            }
            int c = new BigDecimal(a)
                    .subtract(new BigDecimal(value(hi)))
                    .compareTo(new BigDecimal(next).subtract(new BigDecimal(a)));
            boolean up = c > 0 || c == 0 && (hi & 1) == 1;
            return sign | (up ? hi + 1 : hi);
        }
        while (lo < hi) { // largest pattern with value <= a
            int mid = (lo + hi + 1) >>> 1;
            if (value(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (value(lo) == a) {
            return sign | lo;
        }
        int c = new BigDecimal(a)
                .subtract(new BigDecimal(value(lo)))
                .compareTo(new BigDecimal(value(lo + 1)).subtract(new BigDecimal(a)));
        boolean up = c > 0 || c == 0 && (lo & 1) == 1;
        return sign | (up ? lo + 1 : lo);
    }
}
