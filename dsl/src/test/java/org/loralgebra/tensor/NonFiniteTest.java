package org.loralgebra.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    private static ByteBuffer direct(ByteBuffer heap) {
        ByteBuffer d = ByteBuffer.allocateDirect(heap.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        d.put(heap.duplicate()).flip();
        return d;
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
        // in native memory large F32/F64 runs are screened by a sum of magnitudes first: here it overflows (F32's
        // ±3e38), so the exact scan decides; without the two largest values the screen itself clears the run
        assertEquals(-1, Tensor.firstNonFinite(dtype, direct(Tensor.ofFloats(dtype, new long[] {n}, values).bytes())));
        float[] moderate = values.clone();
        moderate[17] = dtype == DType.F16 ? 1e3f : 1e30f;
        moderate[18] = -moderate[17];
        assertEquals(-1, Tensor.firstNonFinite(dtype, direct(Tensor.ofFloats(dtype, new long[] {n}, moderate).bytes())));
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
                assertEquals(at, Tensor.firstNonFinite(dtype, direct(t.bytes())), "in native memory");
            }
        }
    }
}
