package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * The streamed combination against {@link Combination#apply} on whole arrays: bit for bit, for every pruning,
 * rescaling, style and election, on tensors spanning several blocks with many equal magnitudes at the cut.
 */
class StreamedCombinationTest {
    private static List<Combination> combinations() {
        List<Combination> all = new ArrayList<>();
        List<Sparsification> prunings = List.of(
                Sparsification.NONE,
                new Sparsification(Method.Pruning.MAGNITUDE, 0.37, Sparsification.Rescale.NONE),
                new Sparsification(Method.Pruning.MAGNITUDE, 1.0, Sparsification.Rescale.NONE),
                new Sparsification(Method.Pruning.RANDOM, 0.4, Sparsification.Rescale.INVERSE_DENSITY),
                new Sparsification(Method.Pruning.RANDOM, 0.6, Sparsification.Rescale.L1),
                new Sparsification(Method.Pruning.RANDOM, 0.5, Sparsification.Rescale.NONE));
        for (Sparsification sp : prunings) {
            for (Combination.Style style : Combination.Style.values()) {
                for (MajoritySign sign : MajoritySign.values()) {
                    for (boolean normalize : new boolean[] {false, true}) {
                        all.add(new Combination(sp, style, sign, normalize));
                    }
                }
            }
        }
        return all;
    }

    @Test
    void mergedRowsAreExactlyTheWholeArrayCombination() {
        Random rnd = new Random(21);
        int rows = 300;
        int cols = 250; // blocks of 131 rows: three of them
        int count = 3;
        double[][] tensors = new double[count][rows * cols];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < rows * cols; j++) {
                // few distinct magnitudes in the first input (ties across blocks), gaussians elsewhere, some zeros
                tensors[i][j] = i == 0 ? (rnd.nextInt(7) - 3) * 0.5 : rnd.nextInt(10) == 0 ? 0 : rnd.nextGaussian();
            }
        }
        double[] weights = {0.7, -0.4, 1.3};
        for (Combination c : combinations()) {
            double[] expected =
                    c.apply(count, rows * cols, i -> tensors[i].clone(), weights, i -> SplitMix64.key(3, "m", i));
            Backend.RowFill fill = StreamedCombination.rows(
                    c,
                    count,
                    rows,
                    cols,
                    (i, from, to, dst) -> System.arraycopy(tensors[i], from * cols, dst, 0, (to - from) * cols),
                    weights,
                    i -> SplitMix64.key(3, "m", i));
            double[] got = new double[rows * cols];
            double[] block = new double[37 * cols];
            for (int from = 0; from < rows; from += 37) { // asked for in blocks of another size than its own
                int to = Math.min(rows, from + 37);
                fill.rows(from, to, block);
                System.arraycopy(block, 0, got, from * cols, (to - from) * cols);
            }
            assertArrayEquals(expected, got, c.toString());
        }
    }

    @Test
    void rowsMustBeAskedForInOrder() {
        Combination c = new Combination(Sparsification.NONE, Combination.Style.SUM, MajoritySign.TOTAL, false);
        Backend.RowFill fill =
                StreamedCombination.rows(c, 1, 10, 4, (i, from, to, dst) -> {}, new double[] {1}, i -> 0);
        fill.rows(0, 5, new double[20]);
        assertThrows(IllegalStateException.class, () -> fill.rows(0, 5, new double[20]));
    }
}
