package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.LoraException;

/** Which data, rank, alpha and training seed each of a suite's adapters is trained with. */
class SuiteAdaptersTest {
    private record Call(String what, LabeledImages data, int rank, double alpha, long seed, long trainingSeed) {}

    private static LabeledImages images(int first, int count) {
        float[] v = new float[count * 2];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            v[2 * i] = first + i;
            labels[i] = first + i;
        }
        return new LabeledImages(2, v, labels);
    }

    private final List<Task<LabeledImages>> tasks = List.of(
            new Task<>("a", images(0, 3), images(100, 1), images(200, 1)),
            new Task<>("b", images(10, 2), images(110, 1), images(210, 1)),
            new Task<>("c", images(20, 4), images(120, 1), images(220, 1)));
    private final LabeledImages general = images(50, 5);
    private final List<Call> calls = new ArrayList<>();
    private final SuiteAdapters<LabeledImages> adapters = new SuiteAdapters<>(
            "demo", tasks, LabeledImages::concat, general, 4, 8.0, (what, data, rank, alpha, seed, trainingSeed) -> {
                calls.add(new Call(what, data.get(), rank, alpha, seed, trainingSeed));
                return null;
            });

    @Test
    void taskAdaptersTrainOnTheirOwnSplitWithSeed31sPlusK() {
        adapters.task(tasks.get(1), 7);
        Call c = calls.get(0);
        assertEquals("task=b", c.what());
        assertArrayEquals(tasks.get(1).train().labels(), c.data().labels());
        assertEquals(4, c.rank());
        assertEquals(8.0, c.alpha());
        assertEquals(7, c.seed());
        assertEquals(31 * 7 + 1, c.trainingSeed());
    }

    @Test
    void theJointAdapterTrainsOnAllSplitsInOrderAtTwiceTheRankAndAlpha() {
        adapters.joint(3);
        Call c = calls.get(0);
        assertEquals("task=joint", c.what());
        assertArrayEquals(new int[] {0, 1, 2, 10, 11, 20, 21, 22, 23}, c.data().labels());
        assertEquals(8, c.rank());
        assertEquals(16.0, c.alpha());
        assertEquals(31 * 3 + 3, c.trainingSeed());
    }

    @Test
    void theGeneralAdapterTrainsOnTheBasesDomainWithSeed31sPlusTasksPlusOne() {
        adapters.general(2);
        Call c = calls.get(0);
        assertEquals("task=general", c.what());
        assertArrayEquals(general.labels(), c.data().labels());
        assertEquals(4, c.rank());
        assertEquals(31 * 2 + 3 + 1, c.trainingSeed());
    }

    @Test
    void aTaskOfAnotherSuiteIsRefusedByName() {
        Task<LabeledImages> other = new Task<>("x", images(0, 1), images(0, 1), images(0, 1));
        LoraException e = assertThrows(LoraException.class, () -> adapters.task(other, 0));
        assertTrue(e.getMessage().contains("task x is not a task of suite demo"), e.getMessage());
        assertTrue(calls.isEmpty(), "nothing trained");
    }
}
