package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;

/** The test references themselves: the Jacobi eigensolver reconstructs its input and agrees with Dense's SVD. */
class ReferenceTest {
    @Test
    void eigenDecompositionReconstructsAndMatchesSingularValues() {
        Random rnd = new Random(5);
        double[] v = new double[7 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        Dense.M m = new Dense.M(7, 5, v);
        Reference.Eigen e = Reference.eigen(Dense.mul(Dense.transpose(m), m));
        double[] s = Dense.singularValues(m);
        for (int i = 0; i < 5; i++) {
            assertEquals(s[i] * s[i], e.values()[i], 1e-10 * s[0] * s[0]);
        }
        Dense.M vt = Dense.transpose(e.vectors());
        Dense.M lambda = Dense.zeros(5, 5);
        for (int i = 0; i < 5; i++) {
            lambda.v()[i * 5 + i] = e.values()[i];
        }
        Dense.M back = Dense.mul(Dense.mul(e.vectors(), lambda), vt);
        assertEquals(0, Dense.relError(back, Dense.mul(Dense.transpose(m), m)), 1e-12);
        assertEquals(0, Dense.relError(Dense.mul(vt, e.vectors()), Dense.identity(5)), 1e-12);
    }
}
