package org.loralgebra.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** F16 and BF16 decoding and round-to-nearest-even encoding against {@link HalfReference}, exhaustively where it fits. */
class HalfPrecisionTest {
    private static final HalfReference F16 = HalfReference.F16;
    private static final HalfReference BF16 = HalfReference.BF16;

    @Test
    void decodesEveryF16PatternAsDefined() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            double expected = F16.value(bits);
            float actual = HalfPrecision.f16ToFloat((short) bits); // stored shorts arrive sign-extended
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), "F16 " + Integer.toHexString(bits));
            } else {
                assertEquals(expected, actual, 0.0, "F16 " + Integer.toHexString(bits));
                assertEquals(Double.doubleToRawLongBits(expected) < 0, Float.floatToRawIntBits(actual) < 0, "sign");
            }
        }
    }

    @Test
    void decodesEveryBf16PatternAsDefined() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            double expected = BF16.value(bits);
            float actual = HalfPrecision.bf16ToFloat((short) bits);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), "BF16 " + Integer.toHexString(bits));
            } else {
                assertEquals(expected, actual, 0.0, "BF16 " + Integer.toHexString(bits));
                assertEquals(Double.doubleToRawLongBits(expected) < 0, Float.floatToRawIntBits(actual) < 0, "sign");
            }
        }
    }

    @Test
    void everyValueEncodesBackToItsPattern() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            if (!Double.isNaN(F16.value(bits))) {
                assertEquals(bits, HalfPrecision.floatToF16(HalfPrecision.f16ToFloat(bits)) & 0xffff, "F16");
                assertEquals(
                        bits, HalfPrecision.doubleToF16(HalfPrecision.f16ToFloat(bits)) & 0xffff, "F16 from double");
            }
            if (!Double.isNaN(BF16.value(bits))) {
                assertEquals(bits, HalfPrecision.floatToBf16(HalfPrecision.bf16ToFloat(bits)) & 0xffff, "BF16");
                assertEquals(
                        bits, HalfPrecision.doubleToBf16(HalfPrecision.bf16ToFloat(bits)) & 0xffff, "BF16 from double");
            }
        }
    }

    @Test
    void roundsEveryMidpointAndItsNeighboursToNearestEven() {
        for (HalfReference ref : new HalfReference[] {F16, BF16}) {
            for (int bits = 0; bits <= ref.maxFinite(); bits++) {
                double lo = ref.value(bits);
                double hi =
                        bits == ref.maxFinite() ? Math.scalb(1.0, ref.maxExponent() - ref.bias()) : ref.value(bits + 1);
                float mid = (float) ((lo + hi) / 2); // at most mantissaBits + 2 significant bits: exact in float
                assertEquals((lo + hi) / 2, mid, 0.0);
                for (float x : new float[] {mid, Math.nextUp(mid), Math.nextDown(mid), -mid, -Math.nextUp(mid)}) {
                    checkFloat(ref, x);
                }
            }
        }
    }

    @Test
    void roundsRandomFloatsToNearestEven() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            float any = Float.intBitsToFloat(rnd.nextInt()); // every exponent, subnormals included
            float ranged = (float) Math.scalb(rnd.nextDouble(-2, 2), rnd.nextInt(-27, 17)); // F16's range and edges
            for (float x : new float[] {any, ranged}) {
                if (!Float.isNaN(x)) {
                    checkFloat(F16, x);
                    checkFloat(BF16, x);
                }
            }
        }
    }

    @Test
    void roundsDoublesOnceNotViaFloat() {
        double x = 1 + 0x1p-11 + 0x1p-40; // just above the F16 midpoint between 1 and 1 + 2^-10
        assertEquals(0x3c00, HalfPrecision.floatToF16((float) x) & 0xffff, "rounding to float first lands on the tie");
        assertEquals(0x3c01, HalfPrecision.doubleToF16(x) & 0xffff, "one rounding goes up");
        double y = 1 + 0x1p-8 + 0x1p-40; // BF16: just above the midpoint between 1 and 1 + 2^-7
        assertEquals(0x3f80, HalfPrecision.floatToBf16((float) y) & 0xffff);
        assertEquals(0x3f81, HalfPrecision.doubleToBf16(y) & 0xffff);

        SplittableRandom rnd = new SplittableRandom(12);
        for (HalfReference ref : new HalfReference[] {F16, BF16}) {
            for (int i = 0; i < 50_000; i++) {
                int bits = rnd.nextInt(0, ref.maxFinite());
                double mid = (ref.value(bits) + ref.value(bits + 1)) / 2;
                double tiny = Math.max(Math.ulp(mid), Math.abs(mid) * 0x1p-40);
                for (double d : new double[] {
                    mid + tiny,
                    mid - tiny,
                    -(mid + tiny),
                    rnd.nextDouble(-70000, 70000),
                    Double.longBitsToDouble(rnd.nextLong())
                }) {
                    if (Double.isNaN(d)) {
                        continue;
                    }
                    short actual = ref == F16 ? HalfPrecision.doubleToF16(d) : HalfPrecision.doubleToBf16(d);
                    assertEquals(ref.nearest(d), actual & 0xffff, () -> ref + " of double " + d);
                }
            }
        }
    }

    @Test
    void exactTiesBetweenEveryPairOfNeighboursRoundToEven() {
        for (HalfReference ref : new HalfReference[] {F16, BF16}) {
            for (int bits = 0; bits < ref.maxFinite(); bits += ref == F16 ? 1 : 7) {
                double mid = (ref.value(bits) + ref.value(bits + 1)) / 2; // exact in double: a tie
                for (double d : new double[] {mid, -mid}) {
                    short actual = ref == F16 ? HalfPrecision.doubleToF16(d) : HalfPrecision.doubleToBf16(d);
                    int expected = ((bits & 1) == 0 ? bits : bits + 1) | (d < 0 ? ref.signBit() : 0);
                    assertEquals(expected, actual & 0xffff, () -> ref + " of the tie " + d);
                }
            }
            // the tie above the largest finite value overflows to infinity, the value just below it does not
            double top = (ref.value(ref.maxFinite()) + Math.scalb(1.0, ref.bias() + 1)) / 2;
            short inf = ref == F16 ? HalfPrecision.doubleToF16(top) : HalfPrecision.doubleToBf16(top);
            short below = ref == F16
                    ? HalfPrecision.doubleToF16(Math.nextDown(top))
                    : HalfPrecision.doubleToBf16(Math.nextDown(top));
            assertEquals(ref.maxExponent() << ref.mantissaBits(), inf & 0xffff, ref + " of " + top);
            assertEquals(ref.maxFinite(), below & 0xffff, ref + " of " + Math.nextDown(top));
        }
    }

    @Test
    void keepsNaNAndInfinities() {
        assertTrue(Float.isNaN(HalfPrecision.f16ToFloat(HalfPrecision.floatToF16(Float.NaN))));
        assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(Float.NaN))));
        assertTrue(Float.isNaN(HalfPrecision.f16ToFloat(HalfPrecision.doubleToF16(Double.NaN))));
        assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(HalfPrecision.doubleToBf16(Double.NaN))));
        assertEquals(0x7c00, HalfPrecision.floatToF16(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xfc00, HalfPrecision.doubleToF16(Double.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x7f80, HalfPrecision.floatToBf16(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xff80, HalfPrecision.doubleToBf16(-1e300) & 0xffff, "beyond the float range");
        assertEquals(0x8000, HalfPrecision.doubleToF16(-1e-300) & 0xffff, "negative underflow keeps the sign");
    }

    private static void checkFloat(HalfReference ref, float x) {
        short actual = ref == F16 ? HalfPrecision.floatToF16(x) : HalfPrecision.floatToBf16(x);
        assertEquals(
                ref.nearest(x),
                actual & 0xffff,
                () -> (ref == F16 ? "F16" : "BF16") + " of " + x + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
    }
}
