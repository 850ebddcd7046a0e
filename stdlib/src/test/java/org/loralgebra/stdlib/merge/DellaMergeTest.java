package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * della and della_linear against a plain-loop port of mergekit's {@code della_magprune} and consensus on the dense
 * updates (float64; heterogeneous ranks, a rank-deficient update): at full rank the streamed result equals the
 * dense formula to 1e-10.
 */
class DellaMergeTest {
    private static final double[] W = {1.0, 0.8, -0.6};
    private static ExecutionOptions saved;

    @BeforeAll
    static void f64() {
        saved = Lora.options();
        Lora.configure(saved.withPrecision(Precision.F64));
    }

    @AfterAll
    static void restore() {
        Lora.configure(saved);
    }

    /** One update pruned as mergekit's della_magprune does, with the documented random stream. */
    static double[] magprune(Dense.M delta, double d, double eps, long key) {
        int rows = delta.rows();
        int cols = delta.cols();
        double[] out = delta.v().clone();
        for (int r = 0; r < rows; r++) {
            final int row = r;
            Integer[] order = new Integer[cols];
            for (int j = 0; j < cols; j++) {
                order[j] = j;
            }
            Arrays.sort(
                    order,
                    Comparator.<Integer>comparingDouble(j -> Math.abs(delta.get(row, j)))
                            .thenComparingInt(j -> j));
            for (int k = 0; k < cols; k++) {
                double p = cols == 1 ? d : (d - eps) + 2 * eps * k / (cols - 1);
                int j = order[k];
                if (!(SplitMix64.uniformAt(key, (long) r * cols + j) < p)) {
                    out[r * cols + j] = 0;
                }
            }
        }
        double before = Arrays.stream(delta.v()).map(Math::abs).sum();
        double after = Arrays.stream(out).map(Math::abs).sum();
        if (before >= 1e-7 && after >= 1e-7) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= before / after;
            }
        }
        return out;
    }

    @Test
    void rowPruningMatchesTheComparatorSortExactlyWithTiesAndZeros() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            // long rows too: a row of n entries is spread over about n buckets
            int n = trial % 20 == 0 ? 1 + rnd.nextInt(5000) : 1 + rnd.nextInt(300);
            double[] row = new double[n];
            for (int j = 0; j < n; j++) {
                double v = rnd.nextGaussian();
                int kind = rnd.nextInt(10);
                row[j] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : kind == 2 && j > 0 ? -row[j - 1] : kind == 3 ? 0.25 : v;
            }
            long key = rnd.nextLong();
            long base = rnd.nextInt(1 << 20);
            double[] magnitudes = row.clone();
            double[] expected = row.clone();
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(
                    order,
                    Comparator.<Integer>comparingDouble(j -> Math.abs(magnitudes[j]))
                            .thenComparingInt(j -> j));
            for (int k = 0; k < n; k++) {
                double p = n == 1 ? 0.4 : (0.4 - 0.1) + 2 * 0.1 * k / (n - 1);
                if (!(SplitMix64.uniformAt(key, base + order[k]) < p)) {
                    expected[order[k]] = 0;
                }
            }
            double[] actual = row.clone();
            DellaMerge.prune(actual, 0, n, key, base, 0.4, 0.1);
            for (int j = 0; j < n; j++) {
                assertEquals(
                        Double.doubleToRawLongBits(expected[j]),
                        Double.doubleToRawLongBits(actual[j]),
                        "trial " + trial + ", n " + n + ", entry " + j + ": " + expected[j] + " vs " + actual[j]);
            }
        }
    }

    /**
     * One ranking scratch for many rows, as a merge reuses it: rows of different lengths (0, 1, 2, past the 2¹⁶
     * bucket cap), all-zero rows, runs of one magnitude (sorted buckets), magnitudes across the whole exponent range
     * with subnormals, and several densities and ε (ε = 0 a constant probability, ε = d a zero one at the bottom).
     */
    @Test
    void rowPruningWithReusedScratchMatchesTheComparatorSortOnHardRows() {
        SplittableRandom rnd = new SplittableRandom(43);
        MagnitudeRanks shared = new MagnitudeRanks(4);
        double[][] de = {{0.4, 0.1}, {0.5, 0.0}, {0.3, 0.3}, {0.9, 0.09}, {0.05, 0.04}};
        int[] lengths = {0, 1, 2, 3, 33, 70_000, 5, 1000, 1, 65_537, 40};
        for (int trial = 0; trial < 120; trial++) {
            int n = trial < lengths.length ? lengths[trial] : rnd.nextInt(600);
            double[] row = new double[n];
            int kind = trial % 5;
            for (int j = 0; j < n; j++) {
                row[j] = switch (kind) {
                    case 0 -> 0.0; // all zero
                    case 1 -> rnd.nextBoolean() ? 0.75 : -0.75; // one magnitude: one large bucket
                    case 2 -> {
                        // the whole exponent range, subnormals and zeros of both signs included
                        long bits = rnd.nextLong() & 0x7fefffffffffffffL;
                        double v = rnd.nextInt(8) == 0 ? 0.0 : Double.longBitsToDouble(bits);
                        yield rnd.nextBoolean() ? v : -v;
                    }
                    case 3 -> rnd.nextInt(3) == 0 ? -0.0 : rnd.nextGaussian() * 1e-3;
                    default -> rnd.nextInt(40) == 0 ? Double.MAX_VALUE : rnd.nextGaussian();
                };
            }
            double d = de[trial % de.length][0];
            double eps = de[trial % de.length][1];
            long key = rnd.nextLong();
            long base = rnd.nextInt(1 << 20);
            double[] expected = comparatorPrune(row, key, base, d, eps);
            int offset = rnd.nextInt(3);
            double[] actual = new double[offset + n];
            System.arraycopy(row, 0, actual, offset, n);
            DellaMerge.prune(actual, offset, n, key, base, d, eps, shared);
            for (int j = 0; j < n; j++) {
                assertEquals(
                        Double.doubleToRawLongBits(expected[j]),
                        Double.doubleToRawLongBits(actual[offset + j]),
                        "trial " + trial + ", n " + n + ", d " + d + ", eps " + eps + ", entry " + j + ": "
                                + expected[j] + " vs " + actual[offset + j]);
            }
        }
    }

    /** mergekit's rule with every entry ranked by a stable comparator sort by magnitude. */
    private static double[] comparatorPrune(double[] row, long key, long base, double d, double eps) {
        int n = row.length;
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(
                order,
                Comparator.<Integer>comparingDouble(j -> Math.abs(row[j])).thenComparingInt(j -> j));
        double[] out = row.clone();
        for (int k = 0; k < n; k++) {
            double p = n == 1 ? d : (d - eps) + 2 * eps * k / (n - 1);
            if (!(SplitMix64.uniformAt(key, base + order[k]) < p)) {
                out[order[k]] = 0;
            }
        }
        return out;
    }

    static Dense.M reference(List<InMemoryAdapter> in, String module, Method m, double d, double eps, long seed) {
        List<double[]> pruned = new ArrayList<>();
        int rows = 0;
        int cols = 0;
        for (int i = 0; i < in.size(); i++) {
            StoredModule sm = in.get(i).read(module);
            rows = sm.spec().out();
            cols = sm.spec().in();
            Dense.M b = new Dense.M(rows, sm.spec().rank(), sm.bMatrix().toDoubleArray());
            Dense.M a = new Dense.M(sm.spec().rank(), cols, sm.aMatrix().toDoubleArray());
            pruned.add(magprune(Dense.scale(Dense.mul(b, a), sm.scale()), d, eps, SplitMix64.key(seed, module, i, 0)));
        }
        double[] merged = m == Method.DELLA
                ? MergeReference.mergekitTies(pruned, W, false, true)
                : MergeReference.weightedSum(pruned, W);
        return new Dense.M(rows, cols, merged);
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"DELLA", "DELLA_LINEAR"})
    void atFullRankTheStreamedMergeIsTheDenseFormula(Method m) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 31);
        Adapter merged = Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(m)
                .weights(W)
                .density(0.5)
                .epsilon(0.2)
                .seed(17)
                .rank(200)
                .adapter();
        for (String module : SpectralFixtures.MODULES) {
            Dense.M expected = reference(in, module, m, 0.5, 0.2, 17);
            double err = Dense.relError(Dense.M.of(merged.dense(module)), expected);
            assertBelow(err, 1e-10, m + " " + module + " vs the dense formula: relative error");
        }
        assertTrue(merged.plan().explain().contains("dense"), merged.plan().explain());
    }

    @Test
    void sameSeedSameBytesAndProbabilitiesMustFitInZeroOne() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(3, 32);
        Merge merge = Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(Method.DELLA)
                .density(0.4)
                .seed(3);
        double[] one = merge.adapter().dense(SpectralFixtures.Q).toArray();
        double[] two = merge.adapter().dense(SpectralFixtures.Q).toArray();
        assertArrayEquals(one, two, "same seed, same values");
        LoraException e = assertThrows(
                LoraException.class, () -> merge.density(0.9).epsilon(0.15).adapter());
        assertTrue(e.getMessage().contains("epsilon") && e.getMessage().contains("0.9"), e.getMessage());
    }
}
