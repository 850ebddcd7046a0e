package org.loralgebra.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bit-trick scan for NaN and infinities, against decoding every element. */
class NonFiniteTest {
    /** First non-finite index by decoding, the reference. */
    private static long decodedFirst(Tensor t) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F64", "F32", "F16", "BF16"})
    void findsTheFirstNonFiniteAtChunkBoundariesAndNoneInLargeFiniteValues(DType dtype) {
        // an odd count, and an even one (F32 is then scanned two elements per long)
        for (int n : new int[] {3 * 4096 + 5, 3 * 4096 + 6}) {
            scan(dtype, n);
        }
    }

    private static void scan(DType dtype, int n) {
        Random rnd = new Random(7);
        float[] values = new float[n];
        float largest = dtype == DType.F16 ? 65504f : dtype == DType.F32 || dtype == DType.BF16 ? 3e38f : Float.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            values[i] = (float) rnd.nextGaussian();
        }
        values[17] = largest; // finite, with the exponent one below all ones
        values[18] = -largest;
        values[19] = 0f;
        values[20] = -0f;
        assertEquals(-1, Tensor.ofFloats(dtype, new long[] {n}, values).firstNonFinite());
        for (int at : new int[] {0, 4095, 4096, 8191, n - 1}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] v = values.clone();
                v[at] = bad;
                if (at + 3 < n) {
                    v[at + 3] = Float.NaN; // a later one must not win
                }
                Tensor t = Tensor.ofFloats(dtype, new long[] {n}, v);
                assertEquals(decodedFirst(t), t.firstNonFinite(), dtype + " " + bad + " at " + at + " of " + n);
                assertEquals(at, t.firstNonFinite());
                assertEquals(at, Tensor.firstNonFinite(dtype, t.bytes()), "on bare bytes");
            }
        }
    }
}
