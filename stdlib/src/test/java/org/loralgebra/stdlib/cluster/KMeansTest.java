package org.loralgebra.stdlib.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.loralgebra.stdlib.random.SplitMix64;

class KMeansTest {
    private static double[][] blobs(int perBlob, double[][] centres, double spread, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[perBlob * centres.length][];
        for (int i = 0; i < x.length; i++) {
            double[] c = centres[i % centres.length];
            x[i] = new double[c.length];
            for (int j = 0; j < c.length; j++) {
                x[i][j] = c[j] + spread * rnd.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void separatedBlobsAreFoundAndTheCentresAreTheirMeans() {
        double[][] centres = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
        double[][] x = blobs(25, centres, 0.5, 1);
        KMeans.Result r = KMeans.fit(x, 4, SplitMix64.key(0, "t"), 100);
        for (int i = 0; i < x.length; i++) {
            assertEquals(r.labels()[i % 4], r.labels()[i], "points of a blob share a cluster");
        }
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            distinct.add(r.labels()[i]);
        }
        assertEquals(4, distinct.size());
        for (int c = 0; c < 4; c++) {
            double[] mean = new double[3];
            int n = 0;
            for (int i = 0; i < x.length; i++) {
                if (r.labels()[i] == c) {
                    for (int j = 0; j < 3; j++) {
                        mean[j] += x[i][j];
                    }
                    n++;
                }
            }
            for (int j = 0; j < 3; j++) {
                assertEquals(mean[j] / n, r.centres()[c][j], 1e-12);
            }
        }
        assertBelow(r.iterations(), 100, "stops at a fixed point: iterations");
    }

    @Test
    void seedingIsReproducibleAndDistanceWeighted() {
        double[][] x = blobs(10, new double[][] {{0, 0}, {5, 5}}, 1, 2);
        int[] one = KMeans.plusPlus(x, 5, new SplitMix64(7));
        int[] two = KMeans.plusPlus(x, 5, new SplitMix64(7));
        assertArrayEquals(one, two);
        // duplicates: D² seeding never picks a point that coincides with a chosen centre while others remain
        double[][] dup = {{1, 1}, {1, 1}, {1, 1}, {2, 2}, {2, 2}, {3, 3}};
        for (long s = 0; s < 50; s++) {
            int[] c = KMeans.plusPlus(dup, 3, new SplitMix64(s));
            Set<String> pts = new HashSet<>();
            for (int i : c) {
                pts.add(Arrays.toString(dup[i]));
            }
            assertEquals(3, pts.size(), "seed " + s + " picks the 3 distinct points");
        }
        // all points equal: the remaining centres are the first points not chosen
        double[][] same = {{4}, {4}, {4}, {4}};
        int[] c = KMeans.plusPlus(same, 3, new SplitMix64(1));
        assertEquals(3, new HashSet<>(List.of(c[0], c[1], c[2])).size());
    }

    @Test
    void aFixedPointIsWhatMoreIterationsWouldGive() {
        double[][] x = blobs(30, new double[][] {{0, 0}, {3, 0}, {0, 3}}, 1.5, 3);
        long key = SplitMix64.key(5, "m");
        KMeans.Result converged = KMeans.fit(x, 3, key, 1000);
        KMeans.Result more = KMeans.fit(x, 3, key, converged.iterations() + 50);
        assertArrayEquals(converged.labels(), more.labels());
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(converged.centres()[c], more.centres()[c]);
        }
        int[] reassigned = KMeans.assign(x, converged.centres());
        assertArrayEquals(converged.labels(), reassigned, "every point is with its nearest centre");
    }

    @Test
    void upToSignOppositePointsAreOnePoint() {
        double[][] centres = {{5, 0, 0}, {0, 5, 0}};
        double[][] x = blobs(20, centres, 0.3, 4);
        for (int i = 0; i < x.length; i += 3) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = -x[i][j];
            }
        }
        KMeans.Result r = KMeans.fit(x, 2, SplitMix64.key(1, "s"), 100, true);
        for (int i = 0; i < x.length; i++) {
            assertEquals(r.labels()[i % 2], r.labels()[i], "a point and its negation share a cluster");
            double[] signed = new double[3];
            for (int j = 0; j < 3; j++) {
                signed[j] = r.signs()[i] * x[i][j];
            }
            assertBelow(
                    KMeans.distance2(signed, r.centres()[r.labels()[i]]),
                    4,
                    "point " + i + " joined with the nearer sign: squared distance");
        }
        for (double[] c : r.centres()) {
            double norm = Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
            assertEquals(5, norm, 0.3, "the centre is the signed mean, not a cancelled one");
        }
        KMeans.Result plain = KMeans.fit(x, 2, SplitMix64.key(1, "s"), 100, false);
        boolean split = false;
        for (int i = 0; i < x.length; i++) {
            split |= plain.labels()[i] != plain.labels()[i % 2];
        }
        assertTrue(split, "plain k-means separates a point from its negation");
    }
}
