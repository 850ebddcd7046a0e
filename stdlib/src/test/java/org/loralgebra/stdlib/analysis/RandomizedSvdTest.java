package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

class RandomizedSvdTest {
    private final Backend be = Engine.current().backend();

    static Dense.M gaussian(Random rnd, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return new Dense.M(rows, cols, v);
    }

    /** U·diag(s)·Vᵀ with U, V orthonormal (Gram–Schmidt of Gaussians). */
    static Dense.M withSpectrum(Random rnd, int rows, int cols, double[] s) {
        Dense.M u = Reference.orthonormalColumns(gaussian(rnd, rows, s.length));
        Dense.M v = Reference.orthonormalColumns(gaussian(rnd, cols, s.length));
        Dense.M d = Dense.zeros(s.length, s.length);
        for (int i = 0; i < s.length; i++) {
            d.v()[i * s.length + i] = s[i];
        }
        return Dense.mul(Dense.mul(u, d), Dense.transpose(v));
    }

    private Matrix matrix(Dense.M m) {
        return be.fromRowMajor(m.rows(), m.cols(), m.v());
    }

    /** |cosine| between column j of the result and column j of the reference. */
    private double alignment(Backend.Svd got, Dense.M reference, int j) {
        double[] u = be.toRowMajor(got.u());
        int k = got.u().cols();
        double dot = 0;
        for (int r = 0; r < reference.rows(); r++) {
            dot += u[r * k + j] * reference.get(r, j);
        }
        return Math.abs(dot);
    }

    @Test
    void exactWhenTheSampleCoversTheSmallerDimension() {
        Dense.M m = gaussian(new Random(41), 15, 11);
        Backend.Svd svd = new RandomizedSvd(10, 0).top(be, LinearOperator.of(be, matrix(m)), 4, 7);
        double[] reference = Dense.singularValues(m);
        Dense.M left = Reference.leftSingularVectors(m);
        assertEquals(4, svd.s().length);
        for (int j = 0; j < 4; j++) {
            assertEquals(reference[j], svd.s()[j], 1e-5 * reference[0]);
            assertEquals(1, alignment(svd, left, j), 1e-4);
        }
        assertEquals(15, svd.u().rows());
        assertEquals(11, svd.vt().cols());
    }

    @Test
    void powerIterationsRecoverTheTopOfADecayingSpectrum() {
        double[] s = new double[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = 10 * Math.pow(0.8, i);
        }
        Dense.M m = withSpectrum(new Random(42), 60, 45, s);
        Dense.M left = Reference.leftSingularVectors(m);
        Backend.Svd svd = new RandomizedSvd(5, 3).top(be, LinearOperator.of(be, matrix(m)), 5, 1);
        for (int j = 0; j < 5; j++) {
            assertEquals(s[j], svd.s()[j], 1e-4 * s[0], "σ" + j);
            assertEquals(1, alignment(svd, left, j), 1e-3, "u" + j);
        }
        Backend.Svd rough = new RandomizedSvd(0, 0).top(be, LinearOperator.of(be, matrix(m)), 5, 1);
        assertEquals(
                true,
                rough.s()[4] < s[4] * (1 - 1e-3),
                "without oversampling or power iterations the 5th value is "
                        + "underestimated (what the defaults are for): " + rough.s()[4] + " vs " + s[4]);
    }

    @Test
    void theUpdatedOperatorIsTheDenseSum() {
        Random rnd = new Random(43);
        Dense.M w = gaussian(rnd, 14, 9);
        Dense.M b = gaussian(rnd, 14, 2);
        Dense.M a = gaussian(rnd, 2, 9);
        ModuleFactors f = ModuleFactors.of(ModuleSpec.linear("m", 14, 9, 2, DType.F32), matrix(b), matrix(a), -1.5);
        LinearOperator op = LinearOperator.plusUpdate(be, matrix(w), f);
        Dense.M sum = Dense.add(w, Dense.mul(b, a), -1.5);
        Dense.M x = gaussian(rnd, 9, 3);
        Dense.M y = gaussian(rnd, 14, 3);
        assertEquals(
                0, Dense.relError(new Dense.M(14, 3, be.toRowMajor(op.times(matrix(x)))), Dense.mul(sum, x)), 1e-5);
        assertEquals(
                0,
                Dense.relError(
                        new Dense.M(9, 3, be.toRowMajor(op.transposeTimes(matrix(y)))),
                        Dense.mul(Dense.transpose(sum), y)),
                1e-5);
        assertThrows(LoraException.class, () -> LinearOperator.plusUpdate(be, matrix(Dense.transpose(w)), f));
    }

    @Test
    void seededAndDeterministic() {
        Dense.M m = gaussian(new Random(44), 30, 20);
        RandomizedSvd r = RandomizedSvd.defaults();
        double[] first =
                be.toRowMajor(r.top(be, LinearOperator.of(be, matrix(m)), 3, 99).u());
        double[] second =
                be.toRowMajor(r.top(be, LinearOperator.of(be, matrix(m)), 3, 99).u());
        assertArrayEquals(first, second, 0);
        assertEquals(RandomizedSvd.seedFor(0, "layers.0.q", 1), RandomizedSvd.seedFor(0, "layers.0.q", 1));
        assertNotEquals(RandomizedSvd.seedFor(0, "layers.0.q", 1), RandomizedSvd.seedFor(0, "layers.0.q", 2));
        assertNotEquals(RandomizedSvd.seedFor(0, "layers.0.q", 1), RandomizedSvd.seedFor(0, "layers.1.q", 1));
        assertNotEquals(RandomizedSvd.seedFor(0, "layers.0.q", 1), RandomizedSvd.seedFor(1, "layers.0.q", 1));
        assertEquals(20, r.top(be, LinearOperator.of(be, matrix(m)), 50, 1).s().length, "k capped at min(m, n)");
        assertThrows(LoraException.class, () -> r.top(be, LinearOperator.of(be, matrix(m)), 0, 1));
        assertThrows(LoraException.class, () -> new RandomizedSvd(-1, 2));
    }
}
