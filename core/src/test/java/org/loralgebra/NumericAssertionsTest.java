package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertAtLeast;
import static org.loralgebra.NumericAssertions.assertAtMost;
import static org.loralgebra.NumericAssertions.assertBelow;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** A failed bound says what was measured, its value and the bound; the boundary and NaN fall where they should. */
class NumericAssertionsTest {
    @Test
    void aMissedBoundReportsTheMeasuredValueAndTheBound() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertBelow(0.003125, 1e-5, "UᵀU = I"));
        assertEquals("UᵀU = I: measured 0.003125, bound < 1.0E-5", e.getMessage());
        assertEquals(
                "x: measured 2.0, bound ≤ 1.5",
                assertThrows(AssertionFailedError.class, () -> assertAtMost(2, 1.5, "x"))
                        .getMessage());
        assertEquals(
                "x: measured 1.0, bound > 1.0",
                assertThrows(AssertionFailedError.class, () -> assertAbove(1, 1, "x"))
                        .getMessage());
        assertEquals(
                "x: measured 0.5, bound ≥ 1.0",
                assertThrows(AssertionFailedError.class, () -> assertAtLeast(0.5, 1, "x"))
                        .getMessage());
    }

    @Test
    void strictAndNonStrictBoundsDifferOnlyAtTheBoundAndNaNNeverPasses() {
        assertAtMost(1, 1, "equal is at most");
        assertAtLeast(1, 1, "equal is at least");
        assertBelow(0.999, 1, "below");
        assertAbove(1.001, 1, "above");
        assertThrows(AssertionFailedError.class, () -> assertBelow(1, 1, "equal is not below"));
        for (Runnable nan : new Runnable[] {
            () -> assertBelow(Double.NaN, 1, "n"),
            () -> assertAtMost(Double.NaN, 1, "n"),
            () -> assertAbove(Double.NaN, 1, "n"),
            () -> assertAtLeast(Double.NaN, 1, "n")
        }) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, nan::run);
            assertTrue(e.getMessage().contains("measured NaN"), e.getMessage());
        }
    }
}
