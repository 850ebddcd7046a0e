package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;

/** The reduced Fashion-MNIST suite end to end: real images, real training, real PEFT folders. */
class FashionMnistSuiteTest {
    @TempDir
    static Path cache;

    static FashionMnistSuite suite;

    @BeforeAll
    static void build() {
        suite = FashionMnistSuite.of(
                FashionMnistSuite.Settings.quick(), FashionMnist.installed(), LabCache.at(cache), Progress.NONE);
    }

    @Test
    void tasksAreTheFourDomainsWithDisjointSplitsOfTheRequestedSizes() {
        FashionMnistSuite.Settings s = suite.settings();
        assertEquals(
                List.of("rotated", "flipped", "inverted", "shifted"),
                suite.tasks().stream().map(Task::name).toList());
        for (Task<LabeledImages> t : suite.tasks()) {
            assertEquals(s.trainPerTask(), t.train().count(), t.name());
            assertEquals(s.validationPerTask(), t.validation().count(), t.name());
            assertEquals(s.testPerTask(), t.test().count(), t.name());
        }
    }

    @Test
    void eachAdapterBeatsTheBaseOnItsOwnTaskByTenPoints() {
        Evaluation<LabeledImages> eval = Evaluation.of(suite.base(), suite.tasks());
        var base = eval.baseAccuracy();
        StringBuilder measured = new StringBuilder();
        boolean ok = true;
        for (Task<LabeledImages> t : suite.tasks()) {
            double own = suite.base().with(suite.adapter(t, 0)).accuracy(t.test());
            measured.append(String.format("%s: base %.3f, adapter %.3f; ", t.name(), base.get(t.name()), own));
            ok &= own >= base.get(t.name()) + 0.10;
        }
        assertTrue(ok, "each adapter should gain ≥ 0.10 on its task; measured " + measured);
    }

    @Test
    void adaptersArePeftFoldersWithTheModelsModuleNames() throws Exception {
        Adapter a = suite.adapter(suite.tasks().get(0), 0);
        assertEquals(Set.copyOf(suite.base().modules()), a.modules());
        List<Path> folders;
        try (var list = Files.list(cache)) {
            folders = list.filter(p -> p.getFileName().toString().startsWith("adapter-"))
                    .sorted()
                    .toList();
        }
        assertFalse(folders.isEmpty(), "no adapter folders in " + cache);
        for (Path folder : folders) {
            assertTrue(Files.isRegularFile(folder.resolve("adapter_config.json")), folder.toString());
            assertTrue(Files.isRegularFile(folder.resolve("adapter_model.safetensors")), folder.toString());
            Adapter reread = Lora.load(folder);
            assertEquals(Set.copyOf(suite.base().modules()), reread.modules(), folder.toString());
            assertEquals(
                    Optional.of("loralgebra/fmnist-mlp-784-128-64-10"),
                    reread.meta().config().baseModel(),
                    folder.toString());
        }
    }

    @Test
    void applyingAnAdapterMatchesADenseDoubleReference() {
        Adapter a = suite.adapter(suite.tasks().get(2), 0);
        Mlp base = suite.base();
        LabeledImages images = suite.tasks().get(2).test().range(0, 16);
        double[][] got = base.with(a).logits(images);
        int[] sizes = base.sizes();
        float[] x = images.values();
        double worst = 0;
        for (int i = 0; i < images.count(); i++) {
            double[] act = new double[sizes[0]];
            for (int j = 0; j < sizes[0]; j++) {
                act[j] = x[i * sizes[0] + j];
            }
            for (int l = 0; l < sizes.length - 1; l++) {
                DenseMatrix d = a.dense(Mlp.module(l));
                float[] w = base.weight(l);
                float[] b = base.bias(l);
                double[] next = new double[sizes[l + 1]];
                for (int o = 0; o < next.length; o++) {
                    double s = b[o];
                    for (int j = 0; j < sizes[l]; j++) {
                        s += ((double) w[o * sizes[l] + j] + d.get(o, j)) * act[j];
                    }
                    next[o] = l == sizes.length - 2 ? s : Math.max(0, s);
                }
                act = next;
            }
            for (int c = 0; c < act.length; c++) {
                worst = Math.max(worst, Math.abs(act[c] - got[i][c]) / (1 + Math.abs(act[c])));
            }
        }
        assertTrue(worst < 1e-4, "logits of W + ΔW against float64: worst relative error " + worst);
    }

    @Test
    void catTaskArithmeticAndTheExactSumGiveIdenticalPredictions() {
        List<Adapter> adapters = new ArrayList<>();
        for (Task<LabeledImages> t : suite.tasks()) {
            adapters.add(suite.adapter(t, 0));
        }
        double lambda = 0.6;
        double[] w = {lambda, lambda, lambda, lambda};
        Mlp cat = suite.base()
                .with(Merge.of(adapters).method(Method.CAT).weights(w).adapter());
        Mlp ta = suite.base()
                .with(Merge.of(adapters)
                        .method(Method.TASK_ARITHMETIC)
                        .weights(w)
                        .adapter());
        Mlp sum = suite.base().with(Lora.sum(w, adapters.toArray(Adapter[]::new)));
        Mlp exact = exactSum(suite.base(), adapters, lambda);
        for (Task<LabeledImages> t : suite.tasks()) {
            int[] reference = exact.predict(t.test());
            assertArrayEquals(reference, cat.predict(t.test()), "cat vs exact sum on " + t.name());
            assertArrayEquals(reference, ta.predict(t.test()), "task_arithmetic vs exact sum on " + t.name());
            assertArrayEquals(reference, sum.predict(t.test()), "Lora.sum vs exact sum on " + t.name());
        }
    }

    /** W + λ Σ ΔWᵢ summed in double from each adapter's own update, outside the merge code. */
    private static Mlp exactSum(Mlp base, List<Adapter> adapters, double lambda) {
        int[] sizes = base.sizes();
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l < w.length; l++) {
            float[] bw = base.weight(l);
            double[] acc = new double[bw.length];
            for (Adapter a : adapters) {
                double[] d = a.dense(Mlp.module(l)).toArray();
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += lambda * d[i];
                }
            }
            w[l] = new float[bw.length];
            for (int i = 0; i < bw.length; i++) {
                w[l][i] = (float) (bw[i] + acc[i]);
            }
            b[l] = base.bias(l);
        }
        return new Mlp(base.name(), sizes, w, b);
    }

    @Test
    void theMergeReportIsCompleteInRangeAndByteIdenticalForTheSameSeeds() throws Exception {
        MergeExperiment<LabeledImages> exp = MergeExperiment.of(suite)
                .seeds(2)
                .methods(Method.CAT, Method.TASK_ARITHMETIC, Method.DARE_TIES, Method.TIES_SVD);
        String first = exp.report().toJson();
        String second = exp.report().toJson();
        assertEquals(first, second, "same seeds, same bytes");
        JsonNode j = new ObjectMapper().readTree(first);
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(2, j.get("seeds").asInt());
        List<String> names = new ArrayList<>();
        j.get("methods").fieldNames().forEachRemaining(names::add);
        assertEquals(
                List.of("cat", "task_arithmetic", "dare_ties", "ties_svd", "opcm", "orthogonal_sum", "routing"), names);
        for (JsonNode m : j.get("methods")) {
            for (JsonNode t : m.get("per_task")) {
                double v = t.get("mean").asDouble();
                assertTrue(v >= 0 && v <= 1, "accuracy " + v + " outside [0, 1]");
            }
        }
        JsonNode cat = j.get("methods").get("cat");
        JsonNode ta = j.get("methods").get("task_arithmetic");
        assertEquals(cat.get("per_task"), ta.get("per_task"), "cat and task_arithmetic give identical accuracies");
        assertTrue(j.get("methods").get("routing").get("lambda").isNull());
    }
}
