package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAtLeast;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** A gate fitted on activations drawn from per-adapter clusters sends held-out tokens to their adapter. */
class FittedGateTest {
    static final int IN = RouteMatchesLoopReferenceTest.IN;
    static final int E = 4;

    /** Tokens of cluster {@code labels[t]}: a shared offset, the cluster's centre, unit Gaussian noise. */
    static double[] clustered(int[] labels, long seed) {
        Random centres = new Random(77); // the same clusters for training and held-out tokens
        double[][] c = new double[E][IN];
        for (int e = 0; e < E; e++) {
            for (int i = 0; i < IN; i++) {
                c[e][i] = 5.0 + 0.6 * centres.nextGaussian();
            }
        }
        Random rnd = new Random(seed);
        double[] x = new double[labels.length * IN];
        for (int t = 0; t < labels.length; t++) {
            for (int i = 0; i < IN; i++) {
                x[t * IN + i] = c[labels[t]][i] + rnd.nextGaussian();
            }
        }
        return x;
    }

    static int[] labels(int n, long seed) {
        Random rnd = new Random(seed);
        int[] l = new int[n];
        for (int t = 0; t < n; t++) {
            l[t] = rnd.nextInt(E);
        }
        return l;
    }

    static Activations acts(double[] x, int n) {
        return Activations.of(Tensor.ofDoubles(DType.F32, new long[] {n, IN}, x));
    }

    @Test
    void routesAtLeast95PercentOfHeldOutTokensToTheirAdapter() {
        int[] trainLabels = labels(400, 1);
        FittedGate fit = Gate.fit(acts(clustered(trainLabels, 2), 400), trainLabels, E);
        int[] testLabels = labels(1000, 3);
        List<Adapter> experts = RouteMatchesLoopReferenceTest.adapters();
        Routing r = Route.of(experts)
                .gate(fit.gate())
                .topK(1)
                .apply(RouteMatchesLoopReferenceTest.MODULE, acts(clustered(testLabels, 4), 1000));
        int right = 0;
        for (int t = 0; t < testLabels.length; t++) {
            right += r.selection().expert(t, 0) == testLabels[t] ? 1 : 0;
        }
        assertTrue(right >= 950, right + " of 1000 held-out tokens routed to their adapter; " + fit);
        assertAtLeast(fit.trainingAccuracy(), 0.95, fit.toString());
        // the route's load is the held-out tokens' label counts, up to the misrouted ones
        long[] counts = new long[E];
        for (int l : testLabels) {
            counts[l]++;
        }
        long[] load = r.stats().load();
        for (int e = 0; e < E; e++) {
            assertTrue(
                    Math.abs(load[e] - counts[e]) <= 1000 - right,
                    "expert " + e + ": load " + load[e] + ", labelled " + counts[e] + ", misrouted " + (1000 - right));
        }
    }

    @Test
    void theFitReachesAStationaryPointOfTheRegularizedLoss() {
        // The fit minimizes CE(W̃x̃ + b̃) + (λ/2)‖W̃‖² with x̃ = (x − μ)/σ; in raw parameters W = W̃/σ, b = b̃ − Wμ the
        // logits are the same and the objective is CE(Wx + b) + (λ/2)σ²‖W‖², an invertible linear change of
        // variables, so its gradient, computed here in double from the returned gate, must vanish.
        int n = 300;
        int[] y = labels(n, 5);
        double[] x = RouteMatchesLoopReferenceTest.f32(clustered(y, 6));
        double l2 = 1e-2;
        FittedGate fit = Gate.fit(
                acts(x, n),
                y,
                E,
                FitOptions.defaults().withL2(l2).withMaxIterations(3000).withTolerance(1e-7));
        assertTrue(fit.converged(), fit.toString());
        double[] w = fit.gate().weight().toDoubleArray();
        double[] b = fit.gate().bias().orElseThrow().toDoubleArray();
        double[] mu = new double[IN];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < IN; i++) {
                mu[i] += x[t * IN + i] / n;
            }
        }
        double ms = 0;
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < IN; i++) {
                double c = x[t * IN + i] - mu[i];
                ms += c * c / ((double) n * IN);
            }
        }
        double sigma2 = ms;
        double[] gw = new double[E * IN];
        double[] gb = new double[E];
        for (int t = 0; t < n; t++) {
            double[] logit = new double[E];
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < E; e++) {
                logit[e] = b[e];
                for (int i = 0; i < IN; i++) {
                    logit[e] += w[e * IN + i] * x[t * IN + i];
                }
                max = Math.max(max, logit[e]);
            }
            double z = 0;
            for (int e = 0; e < E; e++) {
                z += Math.exp(logit[e] - max);
            }
            for (int e = 0; e < E; e++) {
                double d = Math.exp(logit[e] - max) / z - (y[t] == e ? 1 : 0);
                gb[e] += d / n;
                for (int i = 0; i < IN; i++) {
                    gw[e * IN + i] += d * x[t * IN + i] / n;
                }
            }
        }
        double norm = 0;
        double scale = 0;
        for (int i = 0; i < gw.length; i++) {
            double g = gw[i] + l2 * sigma2 * w[i];
            norm += g * g;
            scale += gw[i] * gw[i] + Math.pow(l2 * sigma2 * w[i], 2);
        }
        for (double g : gb) {
            norm += g * g;
        }
        assertTrue(
                Math.sqrt(norm) <= 1e-3 * Math.sqrt(scale) + 1e-5,
                "gradient norm " + Math.sqrt(norm) + " against terms of size " + Math.sqrt(scale) + "; " + fit);
    }

    @Test
    void sameSeedSameGateByteForByte() {
        int[] y = labels(200, 8);
        Activations x = acts(clustered(y, 9), 200);
        FittedGate a = Gate.fit(x, y, E, FitOptions.defaults().withSeed(11));
        FittedGate b = Gate.fit(x, y, E, FitOptions.defaults().withSeed(11));
        assertTrue(a.gate().weight().contentEquals(b.gate().weight()));
        assertTrue(a.gate().bias().orElseThrow().contentEquals(b.gate().bias().orElseThrow()));
        assertEquals(a.iterations(), b.iterations());
    }

    @Test
    void badLabelsAreNamed() {
        Activations x = acts(clustered(new int[] {0, 1, 2, 3}, 1), 4);
        var e1 = assertThrows(LoraException.class, () -> Gate.fit(x, new int[] {0, 1, 2}, E));
        assertTrue(e1.getMessage().contains("3 labels for 4 tokens"), e1.getMessage());
        var e2 = assertThrows(LoraException.class, () -> Gate.fit(x, new int[] {0, 1, 2, 7}, E));
        assertTrue(e2.getMessage().contains("token 3 is labelled 7"), e2.getMessage());
        var e3 = assertThrows(LoraException.class, () -> Gate.fit(x, new int[] {0, 1, 1, 0}, E));
        assertTrue(e3.getMessage().contains("no token is labelled with expert 2"), e3.getMessage());
    }

    @Test
    void prototypesFromLabelledTokensAreTheClusterMeans() {
        int[] y = {0, 1, 0, 2, 3, 1};
        double[] x = RouteMatchesLoopReferenceTest.gaussian(6 * IN, 12, 1);
        PrototypeGate g = Gate.prototypes(acts(x, 6), y, E);
        double[] c = g.centroids().toDoubleArray();
        for (int e = 0; e < E; e++) {
            for (int i = 0; i < IN; i++) {
                double s = 0;
                int n = 0;
                for (int t = 0; t < 6; t++) {
                    if (y[t] == e) {
                        s += (float) x[t * IN + i];
                        n++;
                    }
                }
                assertEquals(s / n, c[e * IN + i], 1e-5, "centroid " + e + ", feature " + i);
            }
        }
        assertArrayEquals(new long[] {E, IN}, g.centroids().shape());
    }
}
