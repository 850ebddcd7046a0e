package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The streamed magnitude cut against {@link Sparsification#keepLargest} on the whole array (a separate selection over
 * every entry at once): the same threshold and count of equal entries kept, in one pass when the pilot's window
 * holds the cut and in two when it does not.
 */
class MagnitudeCutTest {
    /** A rows × cols tensor held whole, served block by block, counting the rows it was asked for. */
    private static final class Tensor implements StreamedCombination.Rows {
        final int rows;
        final int cols;
        final double[] values;
        long rowsServed;

        Tensor(int rows, int cols, IntToDoubleFunction entry) {
            this.rows = rows;
            this.cols = cols;
            this.values = new double[rows * cols];
            for (int j = 0; j < values.length; j++) {
                values[j] = entry.applyAsDouble(j);
            }
        }

        @Override
        public void rows(int i, int from, int to, double[] dst) {
            rowsServed += to - from;
            System.arraycopy(values, from * cols, dst, 0, (to - from) * cols);
        }

        /** The cut of the whole array, by the whole-array selection. */
        Sparsification.Cut expected(int keep) {
            return Sparsification.keepLargest(values.clone(), keep);
        }

        MagnitudeCut.Result streamed(int keep) {
            rowsServed = 0;
            return MagnitudeCut.of(this, 0, rows, cols, keep);
        }
    }

    @Test
    void gaussianEntriesAreCutInOnePassAsTheWholeArrayIs() {
        Random rnd = new Random(5);
        // 8 rows per block of 4096 columns: 64 blocks, a pilot of 4
        Tensor t = new Tensor(512, 4096, j -> rnd.nextGaussian() * (1 + (j / 4096) % 7));
        long n = (long) t.rows * t.cols;
        for (double density : new double[] {0.5, 0.1, 0.9, 0.02}) {
            int keep = (int) (density * n);
            MagnitudeCut.Result r = t.streamed(keep);
            assertEquals(t.expected(keep), r.cut(), "density " + density);
            assertEquals(1, r.passes(), "the pilot's window held the cut at density " + density);
            assertEquals(t.rows, t.rowsServed, "every row formed once");
        }
    }

    @Test
    void aPilotUnlikeTheRestTakesASecondPassAndTheSameCut() {
        Random rnd = new Random(6);
        int cols = 4096;
        // the pilot's blocks (every 16th block of 8 rows) hold entries a thousand times larger than the others
        Tensor t = new Tensor(
                512, cols, j -> rnd.nextGaussian() * ((j / cols / 8) % MagnitudeCut.PILOT_STRIDE == 0 ? 1e3 : 1));
        int keep = (int) (0.5 * t.rows * cols);
        MagnitudeCut.Result r = t.streamed(keep);
        assertEquals(t.expected(keep), r.cut());
        assertEquals(2, r.passes(), "the pilot's window cannot hold the cut");
        assertEquals(2L * t.rows, t.rowsServed, "every row formed twice");
    }

    @Test
    void fewMagnitudesWithManyEqualAtTheCutKeepTheLowestIndices() {
        Random rnd = new Random(7);
        Tensor t = new Tensor(300, 2048, j -> (rnd.nextInt(7) - 3) * 0.25);
        long n = (long) t.rows * t.cols;
        for (int keep : new int[] {1, (int) (0.37 * n), (int) (0.5 * n), (int) n - 1}) {
            MagnitudeCut.Result r = t.streamed(keep);
            assertEquals(t.expected(keep), r.cut(), "keep " + keep);
        }
    }

    @Test
    void smallAndDegenerateTensors() {
        Random rnd = new Random(8);
        Tensor small = new Tensor(10, 8, j -> rnd.nextGaussian()); // one block: the pilot is the whole tensor
        for (int keep = 1; keep < 80; keep += 7) {
            MagnitudeCut.Result r = small.streamed(keep);
            assertEquals(small.expected(keep), r.cut(), "keep " + keep);
            assertEquals(1, r.passes());
        }
        Tensor zeros = new Tensor(64, 1024, j -> j % 3 == 0 ? -0.0 : 0.0);
        assertEquals(zeros.expected(1000), zeros.streamed(1000).cut());
        Tensor tall = new Tensor(5000, 3, j -> rnd.nextGaussian()); // 15000 values in a single block
        assertEquals(tall.expected(4321), tall.streamed(4321).cut());
        assertThrows(IllegalArgumentException.class, () -> small.streamed(0));
        assertThrows(IllegalArgumentException.class, () -> small.streamed(80));
    }

    @Test
    void theWindowSpansTheSampleRanksAroundTheCutGiveOrTakeItsSlack() {
        int[] histogram = new int[Sparsification.BUCKETS];
        histogram[100] = 1000; // ranks 2001..3000 from the top
        histogram[200] = 1000; // 1001..2000
        histogram[300] = 1000; // 1..1000
        // slack = 4·√3000 + 0.005·3000 ≈ 234: ranks 1266..1734 lie in bucket 200 alone
        assertEquals(200, MagnitudeCut.window(histogram, 3000, 1500)[0]);
        assertEquals(200, MagnitudeCut.window(histogram, 3000, 1500)[1]);
        // ranks 766..1234 span buckets 300 and 200
        int[] w = MagnitudeCut.window(histogram, 3000, 1000);
        assertEquals(200, w[0]);
        assertEquals(300, w[1]);
    }
}
