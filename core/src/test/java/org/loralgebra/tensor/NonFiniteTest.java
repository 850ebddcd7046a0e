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
    @EnumSource(
            value = DType.class,
            names = {"F64", "F32", "F16", "BF16"})
    void findsTheFirstNonFiniteAtChunkBoundariesAndNoneInLargeFiniteValues(DType dtype) {
        // an odd count, and an even one (F32 is then scanned two elements per long)
        for (int n : new int[] {3 * 4096 + 5, 3 * 4096 + 6}) {
            scan(dtype, n);
        }
    }

    private static void scan(DType dtype, int n) {
        Random rnd = new Random(7);
        float[] values = new float[n];
        float largest =
                dtype == DType.F16 ? 65504f : dtype == DType.F32 || dtype == DType.BF16 ? 3e38f : Float.MAX_VALUE;
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
        assertEquals(
                -1,
                Tensor.firstNonFinite(
                        dtype,
                        direct(Tensor.ofFloats(dtype, new long[] {n}, values).bytes())));
        float[] moderate = values.clone();
        moderate[17] = dtype == DType.F16 ? 1e3f : 1e30f;
        moderate[18] = -moderate[17];
        assertEquals(
                -1,
                Tensor.firstNonFinite(
                        dtype,
                        direct(Tensor.ofFloats(dtype, new long[] {n}, moderate).bytes())));
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

    /** First index whose magnitude is non-finite or at least 2^64, by decoding. */
    private static long decodedFirstLarge(Tensor t) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!(Math.abs(v[i]) < 0x1p64)) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F64", "F32", "F16", "BF16"})
    void theBoundedScanAlsoFindsMagnitudesFrom2To64(DType dtype) {
        for (int n : new int[] {3 * 4096 + 5, 3 * 4096 + 6}) {
            Random rnd = new Random(11);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = rnd.nextGaussian();
            }
            // the largest value below the bound each dtype holds
            double below = switch (dtype) {
                case F16 -> 65504;
                case BF16 -> 0x1.fep63;
                case F32 -> Math.nextDown(0x1p64f);
                default -> Math.nextDown(0x1p64);
            };
            values[5] = below;
            values[6] = -below;
            Tensor fine = Tensor.ofDoubles(dtype, new long[] {n}, values);
            assertEquals(
                    decodedFirstLarge(fine),
                    Tensor.firstNonFiniteOrLarge(dtype, fine.bytes()),
                    dtype + " below the bound");
            assertEquals(
                    -1, Tensor.firstNonFiniteOrLarge(dtype, direct(fine.bytes())), dtype + " below the bound, native");
            if (dtype == DType.F16) {
                continue; // F16 cannot hold 2^64: only its infinities and NaN are refused
            }
            for (int at : new int[] {0, 4095, 4096, 8191, n - 1}) {
                for (double big : new double[] {0x1p64, -0x1p64, 3e38, -1e30}) {
                    double[] v = values.clone();
                    v[at] = big;
                    Tensor t = Tensor.ofDoubles(dtype, new long[] {n}, v);
                    assertEquals(at, decodedFirstLarge(t), "reference");
                    assertEquals(at, Tensor.firstNonFiniteOrLarge(dtype, t.bytes()), dtype + " " + big + " at " + at);
                    assertEquals(at, Tensor.firstNonFiniteOrLarge(dtype, direct(t.bytes())), "in native memory");
                    assertEquals(-1, t.firstNonFinite(), "finite, so not found by the plain scan");
                }
            }
        }
    }
}
