package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.InMemoryAdapter;

/**
 * Order robustness on synthetic tasks, as the OPCM paper reports for real ones: four tasks sharing a common
 * component are merged in eight orders (each task in each position). The mean over tasks of how much of each
 * the result keeps (cosine of the merged update with the task's update) varies by less than 0.03 across orders,
 * and each task's retention varies less than half as much as under the naive constant-memory alternative, a
 * sequential exponential average (merged ← (merged + τ)/2), which also keeps less of the tasks on average.
 */
class ContinualMergeOrderTest {
    private static final List<TestAdapters.Shape> SHAPES = List.of(
            new TestAdapters.Shape("layers.0.q", 32, 24, 4, 1.0), new TestAdapters.Shape("layers.1.v", 24, 40, 4, 1.0));

    @Test
    void retentionOfEachTaskBarelyDependsOnTheOrder() {
        InMemoryAdapter common = TestAdapters.random("common", 7, SHAPES);
        List<Adapter> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(Lora.from(common).times(0.6).plus(Lora.from(TestAdapters.random("own" + i, 100 + i, SHAPES))));
        }
        List<Map<String, Dense.M>> dense =
                tasks.stream().map(ContinualMergeOrderTest::dense).toList();
        double[][] opcm = ranges(4);
        double[][] ema = ranges(4);
        double[] opcmMean = {Double.MAX_VALUE, -Double.MAX_VALUE};
        for (List<Integer> order : orders()) {
            ContinualMerge m = ContinualMerge.start();
            Map<String, Dense.M> avg = null;
            for (int i : order) {
                m = m.fold(tasks.get(i));
                avg = avg == null ? dense.get(i) : halfway(avg, dense.get(i));
            }
            Map<String, Dense.M> merged = dense(m.adapter());
            double meanOpcm = 0;
            double meanEma = 0;
            for (int i = 0; i < 4; i++) {
                double co = cosine(merged, dense.get(i));
                double ce = cosine(avg, dense.get(i));
                track(opcm[i], co);
                track(ema[i], ce);
                meanOpcm += co / 4;
                meanEma += ce / 4;
            }
            track(opcmMean, meanOpcm);
            assertAbove(
                    meanOpcm,
                    meanEma,
                    order + ": OPCM keeps more of the tasks on average than the exponential average");
        }
        assertTrue(
                opcmMean[1] - opcmMean[0] < 0.03, "mean retention over tasks varies by " + (opcmMean[1] - opcmMean[0]));
        for (int i = 0; i < 4; i++) {
            double o = opcm[i][1] - opcm[i][0];
            double e = ema[i][1] - ema[i][0];
            assertTrue(
                    o < 0.5 * e,
                    "task " + i + ": OPCM's retention varies by " + o + " across orders, the exponential "
                            + "average's by " + e);
        }
    }

    /** Every task in every position, both directions: the 4 rotations of 0123 and of 3210. */
    private static List<List<Integer>> orders() {
        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<Integer> forward = new ArrayList<>();
            List<Integer> backward = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                forward.add((r + i) % 4);
                backward.add((r + 4 - i) % 4);
            }
            out.add(forward);
            out.add(backward);
        }
        return out;
    }

    private static double[][] ranges(int n) {
        double[][] r = new double[n][];
        for (int i = 0; i < n; i++) {
            r[i] = new double[] {Double.MAX_VALUE, -Double.MAX_VALUE};
        }
        return r;
    }

    private static void track(double[] range, double v) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
    }

    private static Map<String, Dense.M> halfway(Map<String, Dense.M> a, Map<String, Dense.M> b) {
        Map<String, Dense.M> out = new LinkedHashMap<>();
        a.forEach((k, v) -> out.put(k, Dense.scale(Dense.add(v, b.get(k), 1), 0.5)));
        return out;
    }

    private static double cosine(Map<String, Dense.M> a, Map<String, Dense.M> b) {
        double dot = 0;
        for (String k : a.keySet()) {
            double[] x = a.get(k).v();
            double[] y = b.get(k).v();
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * y[i];
            }
        }
        return dot / (ContinualMergeTest.globalNorm(a) * ContinualMergeTest.globalNorm(b));
    }

    private static Map<String, Dense.M> dense(Adapter a) {
        Map<String, Dense.M> out = new LinkedHashMap<>();
        a.modules().forEach(m -> out.put(m, Dense.M.of(a.dense(m))));
        return out;
    }
}
