package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

/**
 * model_stock, karcher and nuslerp on the updates against plain-loop ports of mergekit's formulas on the dense,
 * flattened updates (float64): the factored Gram path agrees to 1e-10 and its rank is Σrᵢ.
 */
class GramMergeTest {
    private static final double TOL = 1e-10;
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

    /** The flattened updates cᵢ·sᵢ·BᵢAᵢ of one module (cᵢ = the weight, or 1 when weights are interpolation weights). */
    private static List<double[]> deltas(List<InMemoryAdapter> in, String module, double[] c) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            StoredModule sm = in.get(i).read(module);
            Dense.M b =
                    new Dense.M(sm.spec().out(), sm.spec().rank(), sm.bMatrix().toDoubleArray());
            Dense.M a =
                    new Dense.M(sm.spec().rank(), sm.spec().in(), sm.aMatrix().toDoubleArray());
            out.add(Dense.scale(Dense.mul(b, a), c[i] * sm.scale()).v());
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    private static double[] combine(double[] cx, double[] x, double cy, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = cx[0] * x[i] + cy * y[i];
        }
        return out;
    }

    static double[] modelStock(List<double[]> ds) {
        int n = ds.size();
        double cos = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                cos += dot(ds.get(i), ds.get(j)) / Math.max(norm(ds.get(i)) * norm(ds.get(j)), 1e-6);
                pairs++;
            }
        }
        cos /= pairs;
        double t = n * cos / (1 + (n - 1) * cos);
        double[] out = new double[ds.get(0).length];
        for (double[] d : ds) {
            out = combine(new double[] {1}, out, t / n, d);
        }
        return out;
    }

    static double[] karcher(List<double[]> ds) {
        int n = ds.size();
        int len = ds.get(0).length;
        double alpha = 1.0 / n;
        List<double[]> units = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        double scale = 0;
        for (double[] d : ds) {
            double nd = norm(d);
            scale += alpha * nd;
            if (nd > 1e-5) {
                double[] u = new double[len];
                for (int i = 0; i < len; i++) {
                    u[i] = d[i] / nd;
                }
                units.add(u);
                weights.add(alpha);
            }
        }
        double[] u = new double[len];
        for (int k = 0; k < units.size(); k++) {
            u = combine(new double[] {1}, u, weights.get(k), units.get(k));
        }
        u = combine(new double[] {1 / norm(u)}, u, 0, u);
        for (int iter = 0; iter < 10; iter++) {
            double[] g = new double[len];
            for (int k = 0; k < units.size(); k++) {
                double cos = Math.max(-1, Math.min(1, dot(units.get(k), u)));
                double theta = Math.acos(cos);
                if (theta < 1e-5) {
                    continue;
                }
                double f = weights.get(k) * theta / Math.sin(theta);
                for (int i = 0; i < len; i++) {
                    g[i] += f * (units.get(k)[i] - cos * u[i]);
                }
            }
            double gn = norm(g);
            if (gn < 1e-5) {
                break;
            }
            u = combine(new double[] {Math.cos(gn)}, u, Math.sin(gn) / gn, g);
            u = combine(new double[] {1 / norm(u)}, u, 0, u);
        }
        return combine(new double[] {scale}, u, 0, u);
    }

    static double[] nuslerp(double[] x0, double[] x1, double w0, double w1) {
        double t = w1 / (w0 + w1);
        double theta = Math.acos(Math.max(-1, Math.min(1, dot(x0, x1) / (norm(x0) * norm(x1)))));
        double sin = Math.sin(theta);
        return combine(new double[] {Math.sin((1 - t) * theta) / sin}, x0, Math.sin(t * theta) / sin, x1);
    }

    private static void assertMatches(
            Adapter merged, List<InMemoryAdapter> in, Function<String, double[]> ref, String what) {
        for (String module : SpectralFixtures.MODULES) {
            double[] expected = ref.apply(module);
            double[] got = merged.dense(module).toArray();
            double err = 0;
            double scale = 0;
            for (int i = 0; i < got.length; i++) {
                err = Math.max(err, Math.abs(got[i] - expected[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            assertBelow(err / scale, TOL, what + " " + module + " vs the dense formula: relative error");
            int sum = in.stream()
                    .mapToInt(a -> a.type().modules().get(module).rank())
                    .sum();
            assertTrue(merged.eval().module(module).rank() == sum, what + " " + module + ": rank Σr = " + sum);
        }
    }

    private static Merge merge(List<InMemoryAdapter> in, Method m, double[] w) {
        return Merge.of(in.stream().map(Lora::from).toArray(Adapter[]::new))
                .method(m)
                .weights(w);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void modelStockIsTheDenseFormulaOnTheUpdates(int tasks) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(tasks, 21);
        double[] w = SpectralFixtures.weights(tasks);
        assertMatches(
                merge(in, Method.MODEL_STOCK, w).adapter(),
                in,
                module -> modelStock(deltas(in, module, w)),
                "model_stock");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void karcherIsTheDenseIterationOnTheUpdates(int tasks) {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(tasks, 22);
        double[] w = SpectralFixtures.weights(tasks);
        assertMatches(
                merge(in, Method.KARCHER, w).alpha(0.5).adapter(),
                in,
                module -> {
                    double[] k = karcher(deltas(in, module, w));
                    return combine(new double[] {0.5}, k, 0, k);
                },
                "karcher α 0.5");
    }

    @Test
    void nuslerpInterpolatesTheTwoUpdatesWithTheWeightsAsT() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(2, 23);
        for (double[] w : new double[][] {{1, 1}, {0.3, 0.9}, {2, -0.5}}) {
            assertMatches(
                    merge(in, Method.NUSLERP, w).adapter(),
                    in,
                    module -> {
                        List<double[]> ds = deltas(in, module, new double[] {1, 1});
                        return nuslerp(ds.get(0), ds.get(1), w[0], w[1]);
                    },
                    "nuslerp w=" + w[0] + "," + w[1]);
        }
    }

    @Test
    void undefinedCasesAreErrorsNamingTheModule() {
        InMemoryAdapter a = SpectralFixtures.adapters(1, 24).get(0);
        LoraException opposite = assertThrows(
                LoraException.class,
                () -> Merge.of(Lora.from(a), Lora.from(a))
                        .method(Method.MODEL_STOCK)
                        .weights(1, -1)
                        .adapter()
                        .dense(SpectralFixtures.Q));
        assertTrue(
                opposite.getMessage().contains("model_stock")
                        && opposite.getMessage().contains(SpectralFixtures.Q),
                opposite.getMessage());
        List<InMemoryAdapter> three = SpectralFixtures.adapters(3, 25);
        LoraException count = assertThrows(
                LoraException.class,
                () -> merge(three, Method.NUSLERP, new double[] {1, 1, 1}).adapter());
        assertTrue(count.getMessage().contains("exactly 2"), count.getMessage());
    }

    @Test
    void explainShowsTheFactoredGramPath() {
        List<InMemoryAdapter> in = SpectralFixtures.adapters(2, 26);
        for (Method m : List.of(Method.MODEL_STOCK, Method.KARCHER, Method.NUSLERP)) {
            String plan = merge(in, m, new double[] {1, 1}).adapter().plan().explain();
            assertTrue(plan.contains(m.id()) && plan.contains("factored"), plan);
        }
    }
}
