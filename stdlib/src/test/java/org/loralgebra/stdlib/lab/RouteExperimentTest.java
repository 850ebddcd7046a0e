package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.route.Gate;
import org.loralgebra.stdlib.route.LinearGate;
import org.loralgebra.stdlib.route.ModuleRoute;
import org.loralgebra.stdlib.route.Route;
import org.loralgebra.stdlib.route.Weighting;

/** {@code lab route} on the reduced Fashion-MNIST suite, against dense double-precision forwards. */
class RouteExperimentTest {
    @TempDir
    static Path cache;

    static FashionMnistSuite suite;
    static List<Adapter> adapters;

    @BeforeAll
    static void build() {
        suite = FashionMnistSuite.of(
                FashionMnistSuite.Settings.quick(), FashionMnist.installed(), LabCache.at(cache), Progress.NONE);
        adapters = suite.tasks().stream().map(t -> suite.adapter(t, 0)).toList();
    }

    @Test
    void everyExpertUnweightedInEveryModuleIsTheExactSum() {
        Map<String, ModuleRoute> routes = new LinkedHashMap<>();
        for (String m : suite.base().modules()) {
            routes.put(
                    m,
                    Route.of(adapters)
                            .gate(Gate.fly())
                            .topK(adapters.size())
                            .weighting(Weighting.ONES)
                            .prepare(m));
        }
        LabeledImages x = suite.tasks().get(0).test();
        double[][] routed = suite.base().logits(x, routes);
        double[][] summed = suite.base()
                .with(Merge.of(adapters).method(Method.CAT).adapter())
                .logits(x);
        double err = maxRelative(routed, summed);
        assertTrue(err < 1e-4, "routing every expert with weight 1 vs W + ΣΔW: max relative error " + err);
    }

    @Test
    void theFittedGateRoutesEachModuleAsADenseForwardInDouble() {
        RouteExperiment<LabeledImages> experiment = RouteExperiment.of(suite);
        Map<String, ModuleRoute> routes = experiment.routes(RouteExperiment.FITTED_GATE, adapters, 0);
        LabeledImages x = suite.tasks().get(2).test().range(0, 40);
        double[][] routed = suite.base().logits(x, routes);
        Mlp base = suite.base();
        int[] sizes = base.sizes();
        List<String> modules = base.modules();
        int compared = 0;
        double worst = 0;
        for (int i = 0; i < x.count(); i++) {
            double[] a = new double[sizes[0]];
            for (int p = 0; p < sizes[0]; p++) {
                a[p] = x.values()[i * sizes[0] + p];
            }
            boolean clear = true;
            for (int l = 0; l < modules.size(); l++) {
                LinearGate g = (LinearGate) routes.get(modules.get(l)).gate();
                double[] scores =
                        affine(g.weight().toFloatArray(), g.bias().orElseThrow().toFloatArray(), a);
                int best = argMax(scores);
                double second = Double.NEGATIVE_INFINITY;
                for (int e = 0; e < scores.length; e++) {
                    if (e != best) {
                        second = Math.max(second, scores[e]);
                    }
                }
                clear &= scores[best] - second > 1e-3;
                DenseMatrix delta = adapters.get(best).dense(modules.get(l));
                double[] w = new double[sizes[l + 1] * sizes[l]];
                float[] w0 = base.weight(l);
                double[] d = delta.toArray();
                for (int k = 0; k < w.length; k++) {
                    w[k] = w0[k] + d[k];
                }
                float[] b32 = base.bias(l);
                double[] z = new double[sizes[l + 1]];
                for (int o = 0; o < z.length; o++) {
                    double s = b32[o];
                    for (int k = 0; k < sizes[l]; k++) {
                        s += w[o * sizes[l] + k] * a[k];
                    }
                    z[o] = l == modules.size() - 1 ? s : Math.max(0, s);
                }
                a = z;
            }
            if (!clear) {
                continue;
            }
            compared++;
            double scale = 1e-6;
            for (double v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int c = 0; c < a.length; c++) {
                worst = Math.max(worst, Math.abs(routed[i][c] - a[c]) / scale);
            }
        }
        assertTrue(compared >= 30, "too few examples with a clear top-1 expert: " + compared);
        assertTrue(worst < 1e-4, "routed logits vs a dense double forward: max relative error " + worst);
    }

    @Test
    void arrowRoutesEachModuleByTheTopSingularVectorsOfTheAdapters() {
        RouteExperiment<LabeledImages> experiment = RouteExperiment.of(suite);
        Map<String, ModuleRoute> routes = experiment.routes(RouteExperiment.ARROW, adapters, 0);
        String first = suite.base().modules().get(0);
        LabeledImages x = suite.tasks().get(1).test().range(0, 20);
        var routing = routes.get(first).apply(suite.base().moduleInputs(x).get(first));
        DenseMatrix[] deltas = adapters.stream().map(a -> a.dense(first)).toArray(DenseMatrix[]::new);
        int in = deltas[0].cols();
        for (int i = 0; i < x.count(); i++) {
            double[] scores = new double[deltas.length];
            for (int e = 0; e < deltas.length; e++) {
                double[] p = topRightSingularVector(deltas[e]);
                double s = 0;
                for (int k = 0; k < in; k++) {
                    s += x.values()[i * in + k] * p[k];
                }
                scores[e] = Math.abs(s);
            }
            assertEquals(
                    argMax(scores),
                    routing.selection().expert(i, 0),
                    "example " + i + ": scores " + Arrays.toString(scores));
        }
    }

    /** The top eigenvector of ΔWᵀΔW by power iteration in double (the scale does not change the direction). */
    private static double[] topRightSingularVector(DenseMatrix d) {
        int m = d.rows();
        int n = d.cols();
        double[] v = new double[n];
        Arrays.fill(v, 1.0 / Math.sqrt(n));
        double[] a = d.toArray();
        for (int it = 0; it < 500; it++) {
            double[] u = new double[m];
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    u[r] += a[r * n + c] * v[c];
                }
            }
            double[] w = new double[n];
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    w[c] += a[r * n + c] * u[r];
                }
            }
            double norm = 0;
            for (double x : w) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < n; c++) {
                v[c] = w[c] / norm;
            }
        }
        return v;
    }

    @Test
    void theReportHasTheContractsKeysAndTheSameSeedsGiveTheSameBytes() throws Exception {
        RouteExperiment<LabeledImages> experiment =
                RouteExperiment.of(suite).staticMethods(Method.TASK_ARITHMETIC, Method.TIES);
        RouteReport report = experiment.report();
        String json = report.toJson();
        assertEquals(json, experiment.report().toJson(), "the same seeds give the same bytes");
        JsonNode j = new ObjectMapper().readTree(json);
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(1, j.get("seeds").asInt());
        List<String> names = new ArrayList<>();
        j.get("methods").fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>(RouteExperiment.ROUTERS);
        expected.add(RouteExperiment.BEST_STATIC);
        assertEquals(expected, names);
        assertTrue(
                List.of("task_arithmetic", "ties")
                        .contains(j.get("methods")
                                .get("best_static")
                                .get("method")
                                .asText()),
                json);
        for (String name : names) {
            JsonNode m = j.get("methods").get(name);
            double mean = m.get("mean").asDouble();
            assertTrue(mean >= 0 && mean <= 1, name + ": " + mean);
            assertEquals(4, m.get("per_task").size(), name);
        }
        double base = MergeReport.meanOfMeans(report.base());
        double gated = report.methods().get(RouteExperiment.FITTED_GATE).mean().mean();
        assertTrue(
                gated >= base + 0.05,
                "the fitted gate should beat the base by 5 points; base " + base + ", fitted_gate " + gated);
        assertTrue(report.toText().contains("best_static ("), report.toText());
    }

    private static double[] affine(float[] w, float[] b, double[] x) {
        double[] out = new double[b.length];
        for (int e = 0; e < b.length; e++) {
            double s = b[e];
            for (int k = 0; k < x.length; k++) {
                s += w[e * x.length + k] * x[k];
            }
            out[e] = s;
        }
        return out;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double maxRelative(double[][] a, double[][] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double scale = 1e-6;
            for (double v : b[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int c = 0; c < a[i].length; c++) {
                worst = Math.max(worst, Math.abs(a[i][c] - b[i][c]) / scale);
            }
        }
        return worst;
    }
}
