package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact k-th largest magnitude of {@link KnotsThresholds.FloatBits} against a sort, with ties and zeros. */
class KnotsThresholdsTest {
    @Test
    void radixSelectionEqualsTheSortedOrderStatistic() {
        Random rnd = new Random(5);
        double[] values = new double[50_000];
        for (int i = 0; i < values.length; i++) {
            // a spread of magnitudes, repeated values, exact zeros and negative signs
            values[i] = i % 7 == 0 ? 0 : i % 11 == 0 ? -0.25 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
        }
        KnotsThresholds.FloatBits bits = new KnotsThresholds.FloatBits();
        bits.addMagnitudes(Arrays.copyOf(values, 20_000));
        bits.addMagnitudes(Arrays.copyOfRange(values, 20_000, values.length));
        float[] sorted = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            sorted[i] = (float) Math.abs(values[i]);
        }
        Arrays.sort(sorted);
        for (long k : new long[] {1, 2, 1000, 4545, 25_000, 42_857, 42_858, 49_999, 50_000}) {
            assertEquals(sorted[values.length - (int) k], bits.largest(k), "the " + k + "-th largest magnitude");
        }
    }
}
