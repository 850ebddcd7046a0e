package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The domains against their group identities on a random image. */
class ImageDomainTest {
    private static final int N = ImageDomain.SIDE;

    private static float[] randomImage() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[N * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return x;
    }

    private static float[] times(ImageDomain d, int k, float[] x) {
        for (int i = 0; i < k; i++) {
            x = d.apply(x);
        }
        return x;
    }

    @Test
    void rotatingFourTimesAndFlippingInvertingShiftingTwiceGiveTheImageBack() {
        float[] x = randomImage();
        assertArrayEquals(x, times(ImageDomain.ROTATED, 4, x));
        assertArrayEquals(x, times(ImageDomain.FLIPPED, 2, x));
        assertArrayEquals(x, times(ImageDomain.SHIFTED, 2, x));
        assertArrayEquals(x, times(ImageDomain.ORIGINAL, 1, x));
        float[] twice = times(ImageDomain.INVERTED, 2, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], twice[i], 1e-6, "pixel " + i);
        }
    }

    @Test
    void twoRotationsAreTheHalfTurnAndOneMovesTheTopRowToTheRightColumn() {
        float[] x = randomImage();
        float[] half = times(ImageDomain.ROTATED, 2, x);
        float[] once = ImageDomain.ROTATED.apply(x);
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                assertEquals(x[(N - 1 - r) * N + (N - 1 - c)], half[r * N + c], "half turn at " + r + "," + c);
            }
            // clockwise: the top row becomes the rightmost column, read top to bottom
            assertEquals(x[r], once[r * N + N - 1], "top row → right column at " + r);
        }
    }

    @Test
    void aWrongSizedImageIsRefusedNamingTheSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ImageDomain.FLIPPED.apply(new float[10]));
        assertEquals("image domain flipped: expected 784 pixels, got 10", e.getMessage());
    }
}
