package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertAtLeast;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.stdlib.random.SplitMix64;

/** Pruning against a sort-based reference, including equal magnitudes at the boundary. */
class SparsificationTest {
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0})
    void magnitudePruningKeepsTheLargestEntries(double density) {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(300);
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                // few distinct magnitudes and both signs: many ties at the boundary
                t[i] = (rnd.nextInt(9) - 4) * (trial % 2 == 0 ? 1.0 : rnd.nextGaussian());
            }
            double[] expected = MergeReference.magnitudePrune(t, density);
            double[] got = t.clone();
            new Sparsification(Method.Pruning.MAGNITUDE, density, Sparsification.Rescale.NONE).applyInPlace(got, 0);
            assertArrayEquals(expected, got, "n=" + n + " density=" + density);
        }
    }

    @Test
    void radixSelectedMagnitudesMatchASortAndACutReappliesIdentically() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + rnd.nextInt(200_000);
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                // gaussian, a few repeated magnitudes, zeros, and huge and tiny exponents
                t[i] = switch (trial % 3) {
                    case 0 -> rnd.nextGaussian();
                    case 1 -> (rnd.nextInt(7) - 3) * 0.25;
                    default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
                };
            }
            double[] mag = Arrays.stream(t).map(Math::abs).sorted().toArray();
            int keep = 1 + rnd.nextInt(n);
            assertEquals(mag[n - keep], Sparsification.largestMagnitude(t, keep), "n=" + n + " keep=" + keep);
            double[] once = t.clone();
            Sparsification.Cut cut = Sparsification.keepLargest(once, keep);
            long nonzero = Arrays.stream(t).filter(x -> x != 0).count();
            assertEquals(
                    Math.min(keep, nonzero),
                    Arrays.stream(once).filter(x -> x != 0).count(),
                    "keeps keep entries");
            double smallestKept = Double.POSITIVE_INFINITY;
            double largestDropped = 0;
            for (int i = 0; i < n; i++) {
                if (once[i] != 0) {
                    assertEquals(t[i], once[i], "kept entries are unchanged");
                    smallestKept = Math.min(smallestKept, Math.abs(t[i]));
                } else {
                    largestDropped = Math.max(largestDropped, Math.abs(t[i]));
                }
            }
            assertAtLeast(
                    smallestKept, largestDropped, "nothing dropped is larger than something kept: smallest |kept|");
            double[] again = t.clone();
            Sparsification magnitude = new Sparsification(Method.Pruning.MAGNITUDE, 0.5, Sparsification.Rescale.NONE);
            magnitude.reapply(again, 0, cut);
            assertArrayEquals(once, again, "the cut re-applied");
        }
    }

    @Test
    void selectFindsOrderStatistics() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(500);
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 3 == 0 ? rnd.nextInt(5) : rnd.nextGaussian();
            }
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            int k = rnd.nextInt(n);
            assertEquals(sorted[k], Sparsification.select(a.clone(), k));
        }
        double[] ascending = new double[10_000];
        Arrays.setAll(ascending, i -> i);
        assertEquals(1234, Sparsification.select(ascending, 1234));
    }

    @Test
    void dareKeepsTheDensityOnAverageAndRescales() {
        double[] t = new double[100_000];
        Arrays.fill(t, 2.0);
        long key = SplitMix64.key(9, "m", 0);
        double[] peft = t.clone();
        new Sparsification(Method.Pruning.RANDOM, 0.3, Sparsification.Rescale.INVERSE_DENSITY).applyInPlace(peft, key);
        long kept = Arrays.stream(peft).filter(x -> x != 0).count();
        assertEquals(30_000, kept, 4 * Math.sqrt(100_000 * 0.3 * 0.7));
        double[] off = Arrays.stream(peft)
                .filter(x -> !(x == 0 || Math.abs(x - 2.0 / 0.3) < 1e-12))
                .limit(5)
                .toArray();
        assertEquals(0, off.length, "entries neither dropped nor rescaled to 2/0.3 (first 5): " + Arrays.toString(off));
        double[] mergekit = t.clone();
        new Sparsification(Method.Pruning.RANDOM, 0.3, Sparsification.Rescale.L1).applyInPlace(mergekit, key);
        assertEquals(200_000, Arrays.stream(mergekit).sum(), 1e-6, "L1 rescale restores the L1 norm");
        for (int i = 0; i < t.length; i++) {
            assertEquals(peft[i] == 0, mergekit[i] == 0, "same key, same mask");
        }
        double[] other = t.clone();
        new Sparsification(Method.Pruning.RANDOM, 0.3, Sparsification.Rescale.NONE)
                .applyInPlace(other, SplitMix64.key(10, "m", 0));
        int differ = 0;
        for (int i = 0; i < t.length; i++) {
            differ += (other[i] == 0) != (peft[i] == 0) ? 1 : 0;
        }
        assertAbove(differ, 30_000, "entries whose mask differs under another seed");
    }
}
