package org.loralgebra.stdlib.bake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The block-parallel bake of a weight tensor against a dense reference in double precision, on weights large enough
 * to span many blocks of rows (the bake tests' weights fit in one).
 */
class WeightUpdateTest {
    private static final int OUT = 700;
    private static final int IN = 300;
    private static final int R = 5;

    private static double[] random(SplittableRandom rnd, int n, double sigma) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * sigma;
        }
        return v;
    }

    private static ModuleSpec spec(boolean fanInFanOut, boolean dora) {
        return new ModuleSpec("m", ModuleKind.LINEAR, OUT, IN, R, DType.F32, new long[0], fanInFanOut, dora, false);
    }

    /** W' (stored orientation) = W + s·B·A, then DoRA's row scaling, in double, written without blocking. */
    private static double[] reference(double[] w, double[] b, double[] a, double s, double[] m, boolean t) {
        double[] v = w.clone();
        for (int i = 0; i < OUT; i++) {
            for (int j = 0; j < IN; j++) {
                double d = 0;
                for (int k = 0; k < R; k++) {
                    d += b[i * R + k] * a[k * IN + j];
                }
                v[t ? j * OUT + i : i * IN + j] += s * d;
            }
        }
        if (m != null) {
            for (int i = 0; i < OUT; i++) {
                double norm = 0;
                for (int j = 0; j < IN; j++) {
                    norm += v[t ? j * OUT + i : i * IN + j] * v[t ? j * OUT + i : i * IN + j];
                }
                for (int j = 0; j < IN; j++) {
                    v[t ? j * OUT + i : i * IN + j] *= m[i] / Math.sqrt(norm);
                }
            }
        }
        return v;
    }

    @Test
    void everyBlockOfEveryLayoutAndDtypeIsTheDenseReferenceRoundedOnce() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] w = random(rnd, OUT * IN, 0.02);
        double[] b = random(rnd, OUT * R, 0.01);
        double[] a = random(rnd, R * IN, 0.05);
        double[] m = new double[OUT];
        for (int i = 0; i < OUT; i++) {
            m[i] = 0.5 + rnd.nextDouble();
        }
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            for (boolean t : new boolean[] {false, true}) {
                for (boolean dora : new boolean[] {false, true}) {
                    long[] shape = t ? new long[] {IN, OUT} : new long[] {OUT, IN};
                    Tensor base = Tensor.ofDoubles(dtype, shape, w);
                    double[] w0 = base.toDoubleArray();
                    WeightUpdate u = new WeightUpdate(
                            spec(t, dora), b, a, 1.7, dora ? Optional.of(m) : Optional.empty(), Optional.empty());
                    Tensor baked = u.applyTo(base);
                    assertEquals(dtype, baked.dtype());
                    assertArrayEquals(shape, baked.shape());
                    double[] expected = reference(w0, b, a, 1.7, dora ? m : null, t);
                    double[] got = baked.toDoubleArray();
                    // one rounding to the dtype: half an ulp, relative 2^-24 (F32), 2^-11 (F16), 2^-8 (BF16)
                    double ulp = dtype == DType.F32 ? 0x1p-24 : dtype == DType.F16 ? 0x1p-11 : 0x1p-8;
                    double worst = 0;
                    for (int i = 0; i < got.length; i++) {
                        double scale = Math.max(Math.abs(expected[i]), dtype == DType.F16 ? 0x1p-14 : 0x1p-100);
                        worst = Math.max(worst, Math.abs(got[i] - expected[i]) / scale);
                    }
                    assertTrue(
                            worst <= ulp * 1.01,
                            dtype + (t ? " transposed" : "") + (dora ? " DoRA" : "") + ": relative error " + worst
                                    + " > half an ulp " + ulp);
                }
            }
        }
    }
}
