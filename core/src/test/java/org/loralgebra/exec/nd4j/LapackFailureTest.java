package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.NumericFailure;

/**
 * LAPACK failures in words: LAPACKE's NaN check refusing a matrix is a numeric failure counting the bad values,
 * not "argument 5 was invalid"; that wording stays for an argument that really is wrong.
 */
class LapackFailureTest {
    @Test
    void aMatrixWithNaNIsANumericFailureNotABug() {
        float[] a = new float[12];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 5 - 2;
        }
        a[7] = Float.NaN;
        NumericFailure e = assertThrows(NumericFailure.class, () -> Lapack.svd(a.clone(), 4, 3, true));
        assertTrue(
                e.getMessage().contains("sgesdd")
                        && e.getMessage().contains("1 of the 12 values")
                        && e.getMessage().contains("NaN or infinite")
                        && !e.getMessage().contains("bug"),
                e.getMessage());
        double[] d = new double[12];
        d[0] = Double.NaN;
        d[5] = Double.NaN;
        NumericFailure qr = assertThrows(NumericFailure.class, () -> Lapack.qr(d, 4, 3));
        assertTrue(qr.getMessage().contains("dgeqrf") && qr.getMessage().contains("2 of the 12"), qr.getMessage());
    }

    @Test
    void anInPlaceQrRefusesNaNBeforeLapackSeesIt() {
        try (FloatPointer a = new FloatPointer(4L * 3)) {
            for (int i = 0; i < 12; i++) {
                a.put(i, i % 5 - 2);
            }
            a.put(9, Float.POSITIVE_INFINITY);
            NumericFailure e = assertThrows(NumericFailure.class, () -> Lapack.qrInPlace(a, 4, 3));
            assertTrue(
                    e.getMessage().contains("sgeqrf was not called")
                            && e.getMessage().contains("flat index 9 of 12"),
                    e.getMessage());
        }
    }

    @Test
    void aWrongArgumentIsStillABug() {
        // three singular triplets of a 3×2 matrix: the index range il..iu = 1..3 is past min(m, n) = 2
        float[] a = {1, 2, 3, 4, 5, 6};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Lapack.topSvd(a, 3, 2, 3));
        assertTrue(e.getMessage().contains("a bug in LoRAlgebra"), e.getMessage());
    }
}
