package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A span hint's layouts and the shapes it refuses. */
class SpanHintTest {
    @Test
    void leftComesColumnMajorAndRightAsItIs() {
        // left 3×2 row-major [[1, 2], [3, 4], [5, 6]]; right 2×4 row-major
        double[] left = {1, 2, 3, 4, 5, 6};
        double[] right = {1, 2, 3, 4, 5, 6, 7, 8};
        SpanHint h = new SpanHint(3, 4, 2, left, right);
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, h.leftColumnMajor(), 0);
        assertArrayEquals(right, h.rightColumnMajor(), 0, "a row-major width×cols array is column-major cols×width");
    }

    @Test
    void sizesMustMatchTheShape() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new SpanHint(3, 4, 2, new double[6], new double[7]));
        assertTrue(e.getMessage().contains("3x2 and 2x4 values, got 6 and 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SpanHint(3, 4, 0, new double[0], new double[0]));
    }
}
