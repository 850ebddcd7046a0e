package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seeded batch order against a list-based Fisher–Yates written here, and its invariants. */
class MiniBatchesTest {
    @Test
    void batchesFollowAFisherYatesShuffleCarriedOverEpochs() {
        int n = 23;
        int epochs = 4;
        int batch = 5;
        List<int[]> got = new ArrayList<>();
        List<int[]> epochsDone = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(42);
        MiniBatches.run(
                n,
                epochs,
                batch,
                rnd,
                (order, from, size) -> got.add(Arrays.copyOfRange(order, from, from + size)),
                (done, total) -> epochsDone.add(new int[] {done, total}));

        SplittableRandom ref = new SplittableRandom(42);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        List<int[]> expected = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            for (int i = n - 1; i >= 1; i--) {
                Collections.swap(order, i, ref.nextInt(i + 1));
            }
            for (int from = 0; from < n; from += batch) {
                expected.add(order.subList(from, Math.min(n, from + batch)).stream()
                        .mapToInt(Integer::intValue)
                        .toArray());
            }
        }
        assertEquals(expected.size(), got.size(), "number of batches");
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(Arrays.toString(expected.get(k)), Arrays.toString(got.get(k)), "batch " + k);
        }
        assertEquals(ref.nextLong(), rnd.nextLong(), "the generator is left where the reference's is");
        assertEquals(epochs, epochsDone.size(), "progress calls");
        for (int e = 0; e < epochs; e++) {
            assertEquals(e + 1, epochsDone.get(e)[0]);
            assertEquals(epochs, epochsDone.get(e)[1]);
        }
    }

    @Test
    void eachEpochVisitsEveryExampleOnceAndOnlyTheLastBatchIsShort() {
        int n = 17;
        int batch = 4;
        List<int[]> got = new ArrayList<>();
        MiniBatches.run(
                n,
                3,
                batch,
                new SplittableRandom(1),
                (order, from, size) -> got.add(Arrays.copyOfRange(order, from, from + size)),
                Progress.NONE);
        int perEpoch = (n + batch - 1) / batch;
        assertEquals(3 * perEpoch, got.size());
        for (int e = 0; e < 3; e++) {
            boolean[] seen = new boolean[n];
            for (int k = 0; k < perEpoch; k++) {
                int[] b = got.get(e * perEpoch + k);
                assertEquals(k < perEpoch - 1 ? batch : n % batch, b.length, "size of batch " + k);
                for (int i : b) {
                    assertTrue(!seen[i], "example " + i + " twice in epoch " + e);
                    seen[i] = true;
                }
            }
        }
    }
}
