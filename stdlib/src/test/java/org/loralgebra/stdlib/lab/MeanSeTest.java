package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Mean and standard error against hand-computed values. */
class MeanSeTest {
    @Test
    void meanAndStandardErrorOfThreeValues() {
        // mean 0.5; deviations −0.1, 0, 0.1; s² = 0.02/2 = 0.01; se = 0.1/√3
        MeanSe m = MeanSe.of(0.4, 0.5, 0.6);
        assertEquals(0.5, m.mean(), 1e-15);
        assertEquals(0.1 / Math.sqrt(3), m.se(), 1e-15);
        assertEquals(3, m.n());
    }

    @Test
    void oneValueHasNoSpread() {
        assertEquals(new MeanSe(0.7, 0, 1), MeanSe.of(0.7));
    }
}
