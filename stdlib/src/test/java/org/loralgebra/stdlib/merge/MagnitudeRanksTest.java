package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rank bounds and exact ranks against a stable comparator sort by magnitude, on rows that stress the buckets: zeros
 * of both signs, runs of equal magnitudes larger than a searched bucket, exponents far apart, a single value.
 */
class MagnitudeRanksTest {
    @Test
    void boundsHoldAndExactRanksMatchAStableSort() {
        SplittableRandom rnd = new SplittableRandom(29);
        MagnitudeRanks order = new MagnitudeRanks(8);
        for (int trial = 0; trial < 300; trial++) {
            int n = trial % 10 == 0 ? 1 + rnd.nextInt(6000) : 1 + rnd.nextInt(400);
            double[] row = new double[n + 3];
            int offset = 3;
            for (int j = 0; j < n; j++) {
                row[offset + j] = entry(rnd, trial % 6);
            }
            int[] expected = sortedRanks(row, offset, n);
            order.bucket(row, offset, n);
            boolean[] seen = new boolean[n];
            for (int b = 0; b < order.buckets(); b++) {
                for (int i = order.first(b); i < order.end(b); i++) {
                    int j = order.member(i);
                    int rank = order.rank(j);
                    String where = "trial " + trial + ", n " + n + ", entry " + j + " (" + row[offset + j] + ")";
                    assertEquals(expected[j], rank, where);
                    assertTrue(
                            order.first(b) <= rank && rank < order.end(b),
                            where + ": rank " + rank + " outside its bucket's [" + order.first(b) + ", " + order.end(b)
                                    + ")");
                    assertTrue(i == order.first(b) || order.member(i - 1) < j, where + ": members in index order");
                    seen[j] = true;
                }
            }
            for (int j = 0; j < n; j++) {
                assertTrue(seen[j], "trial " + trial + ": entry " + j + " in no bucket");
            }
        }
    }

    @Test
    void mostEntriesOfATypicalRowShareABucketWithFewOthers() {
        SplittableRandom rnd = new SplittableRandom(31);
        int n = 4096;
        double[] row = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < 16; t++) {
                s += (float) rnd.nextGaussian() * (double) (float) (0.01 * rnd.nextGaussian());
            }
            row[j] = s;
        }
        MagnitudeRanks order = new MagnitudeRanks(n);
        order.bucket(row, 0, n);
        long spread = 0;
        for (int b = 0; b < order.buckets(); b++) {
            long size = order.end(b) - order.first(b);
            spread += size * (size - 1); // each of its entries' rank is known to within size − 1
        }
        double mean = (double) spread / n;
        assertTrue(mean < 16, "an entry's rank is bounded to within " + mean + " on average, expected under 16");
    }

    @Test
    void rowsLongerThanTheBucketCapRankExactly() {
        SplittableRandom rnd = new SplittableRandom(47);
        int n = (1 << 16) * 3 + 5; // 2¹⁶ buckets, about three entries each
        double[] row = new double[n];
        for (int j = 0; j < n; j++) {
            row[j] = rnd.nextInt(10) == 0 ? -0.0 : rnd.nextInt(10) == 0 ? 0.5 : rnd.nextGaussian();
        }
        MagnitudeRanks order = new MagnitudeRanks(16);
        order.bucket(row, 0, n);
        assertEquals(1 << 16, order.buckets(), "buckets of a row of " + n);
        int[] expected = sortedRanks(row, 0, n);
        for (int j = 0; j < n; j++) {
            assertEquals(expected[j], order.rank(j), "entry " + j + " (" + row[j] + ") of a row of " + n);
        }
    }

    /**
     * The row stamp that marks sorted buckets wraps after 2³² rows; reaching 0 must clear the marks, or a bucket
     * sorted for an earlier row (or never sorted: its mark is 0) would answer with stale ranks. The stamp is set near
     * the wrap directly.
     */
    @Test
    void theSortedBucketMarksSurviveTheStampWrappingAround() throws ReflectiveOperationException {
        int n = 300;
        double[] first = new double[n];
        Arrays.fill(first, 0.5); // one bucket of n entries: sorted when asked
        double[] second = new double[n];
        for (int j = 0; j < n; j++) {
            second[j] = j % 2 == 0 ? 2.0 : -1.0; // two buckets of n/2 entries, the one of 2.0 never sorted before
        }
        Field stamp = MagnitudeRanks.class.getDeclaredField("stamp");
        stamp.setAccessible(true);
        for (int start : new int[] {-1, Integer.MAX_VALUE}) {
            MagnitudeRanks order = new MagnitudeRanks(n);
            order.bucket(first, 0, n);
            for (int j = 0; j < n; j++) {
                assertEquals(j, order.rank(j), "equal magnitudes rank in index order");
            }
            stamp.setInt(order, start);
            for (int row = 0; row < 3; row++) {
                double[] values = row % 2 == 0 ? second : first;
                order.bucket(values, 0, n);
                int[] expected = sortedRanks(values, 0, n);
                for (int j = 0; j < n; j++) {
                    assertEquals(
                            expected[j],
                            order.rank(j),
                            "entry " + j + " of row " + row + " after the stamp was set to " + start);
                }
            }
        }
    }

    private static double entry(SplittableRandom rnd, int kind) {
        return switch (kind) {
            case 0 -> rnd.nextGaussian();
            case 1 -> rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? 0.0 : -0.0) : rnd.nextGaussian();
            case 2 -> (rnd.nextInt(5) - 2) * 0.25; // few magnitudes: buckets of many equal entries
            case 3 -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(80) - 40);
            case 4 -> rnd.nextInt(50) == 0 ? 1e30 : rnd.nextGaussian() * 1e-3; // one huge value squeezes the rest
            default -> 0.5;
        };
    }

    private static int[] sortedRanks(double[] row, int offset, int n) {
        Integer[] byMagnitude = new Integer[n];
        for (int j = 0; j < n; j++) {
            byMagnitude[j] = j;
        }
        Arrays.sort(
                byMagnitude,
                Comparator.<Integer>comparingDouble(j -> Math.abs(row[offset + j]))
                        .thenComparingInt(j -> j));
        int[] ranks = new int[n];
        for (int r = 0; r < n; r++) {
            ranks[byMagnitude[r]] = r;
        }
        return ranks;
    }
}
