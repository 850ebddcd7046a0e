package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;

/** The host backends' light operations (the cuda and reference backends share them) against values written out. */
class HostMatrixBackendTest {
    /** Only the light operations: a heavy one is never called here. */
    private static final class LightOnly extends HostMatrixBackend {
        @Override
        public String name() {
            return "light";
        }

        @Override
        public Precision precision() {
            return Precision.F64;
        }

        @Override
        public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Qr qr(Matrix a) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Matrix gramRoot(Matrix a) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Svd svd(Matrix a) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double[] singularValues(Matrix a) {
            throw new UnsupportedOperationException();
        }
    }

    private final Backend be = new LightOnly();
    /** [[1, 2, 3], [4, 5, 6]]. */
    private final Matrix a = be.fromRowMajor(2, 3, new double[] {1, 2, 3, 4, 5, 6});

    @Test
    void slicesConcatenationsTransposesAndScalingGiveTheValuesWrittenOut() {
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, be.toRowMajor(be.transpose(a)));
        assertArrayEquals(new double[] {2, 3, 5, 6}, be.toRowMajor(be.columns(a, 1, 3)));
        assertArrayEquals(new double[] {4, 5, 6}, be.toRowMajor(be.rows(a, 1, 2)));
        Matrix h = be.hcat(List.of(a, be.columns(a, 0, 1)));
        assertEquals(4, h.cols());
        assertArrayEquals(new double[] {1, 2, 3, 1, 4, 5, 6, 4}, be.toRowMajor(h));
        assertArrayEquals(
                new double[] {1, 2, 3, 4, 5, 6, 4, 5, 6}, be.toRowMajor(be.vcat(List.of(a, be.rows(a, 1, 2)))));
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, be.toRowMajor(be.scale(a, 2)));
        assertArrayEquals(new double[] {-1, -2, -3, -4, -5, -6}, be.toRowMajor(be.addScaled(a, a, -2)));
        assertArrayEquals(
                new double[] {1, 0, -3, 4, 0, -6}, be.toRowMajor(be.scaleColumns(a, new double[] {1, 0, -1})));
        assertArrayEquals(new double[] {2, 4, 6, -4, -5, -6}, be.toRowMajor(be.scaleRows(a, new double[] {2, -1})));
        assertArrayEquals(new double[6], be.toRowMajor(be.zeros(3, 2)));
        assertArrayEquals(
                be.toRowMajor(a), be.toRowMajor(be.fromTensor(be.toTensor(a, DType.F64))), "tensor round trip");
    }

    @Test
    void operandsAreNeverChangedAndMismatchedShapesAreRefusedNamingThem() {
        double[] values = {1, 2, 3, 4, 5, 6};
        Matrix m = be.fromRowMajor(2, 3, values);
        values[0] = 99; // the backend copied them
        be.scale(m, 3);
        be.scaleRows(m, new double[] {0, 0});
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, be.toRowMajor(m));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> be.addScaled(m, be.transpose(m), 1));
        assertTrue(e.getMessage().contains("2x3 and 3x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> be.vcat(List.of(m, be.transpose(m))));
        assertTrue(e.getMessage().contains("2 columns after 3"), e.getMessage());
    }
}
