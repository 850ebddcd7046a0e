package org.loralgebra.stdlib.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    void firstOutputsMatchTheReferenceGenerator() {
        // splitmix64.c (Vigna) seeded with 0: the published first outputs
        SplitMix64 g = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, g.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, g.nextLong());
        assertEquals(0x06C45D188009454FL, g.nextLong());
    }

    @Test
    void positionsAndTheSequentialStreamAgree() {
        long key = SplitMix64.key(42, "layers.0.q", 1, 2);
        SplitMix64 g = new SplitMix64(key);
        for (int i = 0; i < 100; i++) {
            assertEquals(SplitMix64.longAt(key, i), g.nextLong());
        }
    }

    @Test
    void keysSeparateSeedsNamesAndParts() {
        long k = SplitMix64.key(1, "m", 0);
        assertNotEquals(k, SplitMix64.key(2, "m", 0));
        assertNotEquals(k, SplitMix64.key(1, "n", 0));
        assertNotEquals(k, SplitMix64.key(1, "m", 1));
        assertNotEquals(SplitMix64.key(1, "m", 0, 1), SplitMix64.key(1, "m", 1, 0));
        assertEquals(k, SplitMix64.key(1, "m", 0));
    }

    @Test
    void uniformValuesAreInRangeWithTheRightMean() {
        long key = SplitMix64.key(7, "x");
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double u = SplitMix64.uniformAt(key, i);
            int at = i;
            assertTrue(u >= 0 && u < 1, () -> "uniformAt(key, " + at + ") = " + u);
            sum += u;
        }
        assertEquals(0.5, sum / n, 4 * Math.sqrt(1.0 / 12 / n));
    }

    @Test
    void belowMasksAgreeWithComparingTheUniformValue() {
        long key = SplitMix64.key(5, "mask");
        double drawn = SplitMix64.uniformAt(key, 17);
        double[] ps = {
            drawn,
            Math.nextUp(drawn),
            Math.nextDown(drawn),
            0.0,
            -0.0,
            -0.5,
            1.0,
            1.5,
            Double.NaN,
            0.3,
            0.5,
            Double.MIN_VALUE,
            0x1.0p-53,
            Math.nextDown(1.0),
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY
        };
        for (double p : ps) {
            long bound = SplitMix64.boundOf(p);
            for (int i = 0; i < 5_000; i++) {
                boolean below = SplitMix64.uniformAt(key, i) < p;
                assertEquals(below ? -1L : 0L, SplitMix64.belowMask(key, i, bound), "p = " + p + ", index " + i);
            }
        }
        assertEquals(0L, SplitMix64.belowMask(key, 17, SplitMix64.boundOf(drawn)), "u < u is false");
        assertEquals(-1L, SplitMix64.belowMask(key, 17, SplitMix64.boundOf(Math.nextUp(drawn))), "u < next up");
    }

    /**
     * {@code boundOf} against the comparison it replaces, {@code k·2⁻⁵³ < p} in double arithmetic, for top-53-bit
     * values k on and around the bound: p exactly a multiple of 2⁻⁵³, one ulp either side, subnormal and tiny p, p
     * just below 1. Then the composed mask at 20 000 indices with p each index's own value and its neighbours.
     */
    @Test
    void boundsSplitTheTop53BitsExactlyWhereTheComparisonDoes() {
        Random rnd = new Random(53);
        for (int trial = 0; trial < 200_000; trial++) {
            long m = trial % 50 == 0 ? rnd.nextInt(4) : (rnd.nextLong() >>> 11); // a multiple's numerator, < 2⁵³
            double onGrid = m * 0x1.0p-53;
            double p = switch (trial % 6) {
                case 0 -> onGrid;
                case 1 -> Math.nextUp(onGrid);
                case 2 -> Math.nextDown(onGrid);
                case 3 -> Double.MIN_VALUE * (1 + rnd.nextInt(1000));
                case 4 -> Math.nextDown(1.0) - rnd.nextInt(3) * 0x1.0p-53;
                default -> rnd.nextDouble();
            };
            long bound = SplitMix64.boundOf(p);
            for (long k : new long[] {m - 1, m, m + 1, bound - 1, bound, 0, (1L << 53) - 1}) {
                if (k < 0 || k >= 1L << 53) {
                    continue;
                }
                boolean below = k * 0x1.0p-53 < p;
                assertEquals(below, k < bound, "k = " + k + ", p = " + p + " (" + Double.toHexString(p) + ")");
            }
        }
        long key = SplitMix64.key(9, "grid");
        for (int i = 0; i < 20_000; i++) {
            double u = SplitMix64.uniformAt(key, i);
            for (double p : new double[] {u, Math.nextUp(u), Math.nextDown(u), u + 0x1.0p-53}) {
                assertEquals(
                        u < p ? -1L : 0L,
                        SplitMix64.belowMask(key, i, SplitMix64.boundOf(p)),
                        "index " + i + ", u = " + u + ", p = " + p);
            }
        }
    }

    @Test
    void boundedIntegersCoverTheRangeEvenly() {
        SplitMix64 g = new SplitMix64(3);
        int[] counts = new int[7];
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            counts[g.nextInt(7)]++;
        }
        for (int c : counts) {
            assertEquals(n / 7.0, c, 5 * Math.sqrt(n / 7.0));
        }
    }
}
