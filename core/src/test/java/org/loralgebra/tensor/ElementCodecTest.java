package org.loralgebra.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Block-wise decoding and encoding give exactly the whole-tensor conversions, at any offset, in every dtype. */
class ElementCodecTest {
    private static double[] values(int n) {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 4)); // wide range: subnormal halves too
        }
        v[3] = Double.NaN;
        v[5] = Double.NEGATIVE_INFINITY;
        v[7] = -0.0;
        v[9] = 70000; // beyond F16's range
        return v;
    }

    @Test
    void blocksEncodeAndDecodeBitForBitLikeTheWholeTensor() {
        int n = 1001;
        double[] v = values(n);
        for (DType dtype : new DType[] {DType.F64, DType.F32, DType.F16, DType.BF16}) {
            Tensor whole = Tensor.ofDoubles(dtype, new long[] {n}, v);
            ByteBuffer blocks = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            double[] decoded = new double[n];
            for (int from = 0; from < n; from += 97) { // blocks that do not divide n
                int count = Math.min(97, n - from);
                ElementCodec.encode(dtype, Arrays.copyOfRange(v, from, from + count), count, blocks, from);
                double[] part = new double[count];
                ElementCodec.decode(dtype, whole.bytes(), from, count, part);
                System.arraycopy(part, 0, decoded, from, count);
            }
            byte[] expected = new byte[n * dtype.byteSize()];
            whole.bytes().get(expected);
            assertArrayEquals(expected, blocks.array(), dtype + ": encoded bytes differ from Tensor.ofDoubles");
            double[] reference = whole.toDoubleArray();
            for (int i = 0; i < n; i++) {
                assertEquals(
                        Double.doubleToRawLongBits(reference[i]),
                        Double.doubleToRawLongBits(decoded[i]),
                        dtype + " element " + i + ": decoded " + decoded[i] + ", whole-tensor " + reference[i]);
            }
        }
    }
}
