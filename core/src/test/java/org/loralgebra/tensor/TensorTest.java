package org.loralgebra.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stored tensors: byte layout, decoding, conversion, reshaping. */
class TensorTest {
    @Test
    void encodesLittleEndianBytes() {
        Tensor f32 = Tensor.ofFloats(DType.F32, new long[] {2}, new float[] {1.0f, -2.0f});
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}, bytes(f32));
        Tensor f16 = Tensor.ofFloats(DType.F16, new long[] {2}, new float[] {1.0f, -2.0f});
        assertArrayEquals(new byte[] {0, 0x3c, 0, (byte) 0xc0}, bytes(f16));
        Tensor bf16 = Tensor.ofDoubles(DType.BF16, new long[] {1}, new double[] {1.0});
        assertArrayEquals(new byte[] {(byte) 0x80, 0x3f}, bytes(bf16));
        Tensor f64 = Tensor.ofDoubles(DType.F64, new long[] {1}, new double[] {1.0});
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f}, bytes(f64));
    }

    @Test
    void decodesStoredHalfBytes() {
        ByteBuffer raw = ByteBuffer.wrap(new byte[] {0, 0x3c, (byte) 0xff, 0x7b, 1, 0, 0, (byte) 0xfc});
        Tensor t = Tensor.ofBytes(DType.F16, new long[] {2, 2}, raw);
        assertArrayEquals(new float[] {1.0f, 65504f, 0x1p-24f, Float.NEGATIVE_INFINITY}, t.toFloatArray());
        assertArrayEquals(new double[] {1.0, 65504, 0x1p-24, Double.NEGATIVE_INFINITY}, t.toDoubleArray());
    }

    @Test
    void conversionRoundsEachValueOnceToTheNearest() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] values = new double[4096];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.scalb(rnd.nextDouble(-2, 2), rnd.nextInt(-30, 18));
        }
        values[0] = 1 + 0x1p-11 + 0x1p-40; // a double-rounding trap for F16
        values[1] = 1 + 0x1p-8 + 0x1p-40; // and for BF16
        Tensor f64 = Tensor.ofDoubles(DType.F64, new long[] {64, 64}, values);
        for (DType target : new DType[] {DType.F16, DType.BF16}) {
            HalfReference ref = target == DType.F16 ? HalfReference.F16 : HalfReference.BF16;
            Tensor half = f64.convertTo(target);
            assertEquals(target, half.dtype());
            assertArrayEquals(new long[] {64, 64}, half.shape());
            var stored = half.bytes().asShortBuffer();
            for (int i = 0; i < values.length; i++) {
                assertEquals(ref.nearest(values[i]), stored.get(i) & 0xffff, target + " of " + values[i]);
            }
            // and back: F16/BF16 values are exact in F32 and F64
            double[] back = half.convertTo(DType.F32).convertTo(DType.F64).toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(ref.value(stored.get(i) & 0xffff), back[i], 0.0);
            }
        }
        float[] f = f64.convertTo(DType.F32).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) values[i], f[i], 0.0f, "F64 to F32 is Java's nearest-even cast");
        }
    }

    @Test
    void sameDtypeConversionIsTheSameTensor() {
        Tensor t = Tensor.ofFloats(DType.BF16, new long[] {1}, new float[] {3});
        assertSame(t, t.convertTo(DType.BF16));
    }

    @Test
    void rejectsByteCountsThatDisagreeWithDtypeAndShape() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.ofBytes(DType.F32, new long[] {2, 3}, ByteBuffer.allocate(20)));
        assertTrue(
                e.getMessage().contains("F32")
                        && e.getMessage().contains("[2, 3]")
                        && e.getMessage().contains("24")
                        && e.getMessage().contains("20"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(DType.F32, new long[] {2}, new float[3]));
    }

    @Test
    void scalarsHoldOneValue() {
        Tensor s = Tensor.ofDoubles(DType.F32, new long[0], new double[] {16});
        assertEquals(1, s.numel());
        assertEquals(0, s.rank());
        assertEquals(4, s.byteSize());
        assertEquals(16.0, s.toDoubleArray()[0]);
    }

    @Test
    void reshapeSharesBytesAndChecksTheCount() {
        Tensor t = Tensor.ofFloats(DType.F32, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor r = t.reshape(3, 2, 1);
        assertArrayEquals(new long[] {3, 2, 1}, r.shape());
        assertArrayEquals(t.toFloatArray(), r.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
    }

    @Test
    void contentEqualityComparesDtypeShapeAndBytes() {
        Tensor a = Tensor.ofFloats(DType.F32, new long[] {2}, new float[] {1, 2});
        assertTrue(a.contentEquals(Tensor.ofBytes(DType.F32, new long[] {2}, a.bytes())));
        assertFalse(a.contentEquals(a.reshape(2, 1)));
        assertFalse(a.contentEquals(Tensor.ofFloats(DType.F32, new long[] {2}, new float[] {1, 3})));
        assertFalse(a.contentEquals(Tensor.ofBytes(DType.I32, new long[] {2}, a.bytes())));
    }

    @Test
    void findsTheFirstNonFiniteValue() {
        assertEquals(
                -1,
                Tensor.ofFloats(DType.F32, new long[] {2}, new float[] {1, 2}).firstNonFinite());
        assertEquals(
                2,
                Tensor.ofFloats(DType.F16, new long[] {4}, new float[] {1, 2, Float.NaN, Float.POSITIVE_INFINITY})
                        .firstNonFinite());
        assertEquals(
                0,
                Tensor.ofFloats(DType.F16, new long[] {1}, new float[] {1e6f}).firstNonFinite(),
                "overflow to inf");
        assertEquals(
                -1,
                Tensor.ofBytes(DType.I32, new long[] {1}, ByteBuffer.wrap(new byte[] {-1, -1, -1, 127}))
                        .firstNonFinite());
    }

    @Test
    void integerTensorsAreCarriedNotDecoded() {
        Tensor ids = Tensor.ofBytes(DType.I64, new long[] {1}, ByteBuffer.allocate(8));
        assertThrows(UnsupportedOperationException.class, ids::toFloatArray);
        assertThrows(UnsupportedOperationException.class, () -> ids.convertTo(DType.F32));
    }

    @Test
    void parsesDtypeNames() {
        assertEquals(DType.BF16, DType.parse("bf16"));
        assertEquals(DType.F8_E4M3, DType.fromHeaderName("F8_E4M3").orElseThrow());
        assertTrue(DType.fromHeaderName("f32").isEmpty(), "header names are case-sensitive");
        assertThrows(IllegalArgumentException.class, () -> DType.parse("float17"));
    }

    private static byte[] bytes(Tensor t) {
        ByteBuffer b = t.bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
