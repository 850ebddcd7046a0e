package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.unlearn.Pruning;
import org.loralgebra.stdlib.unlearn.Unlearn;

/** {@code lab unlearn} on the reduced Fashion-MNIST suite, against dense updates. */
class UnlearnExperimentTest {
    @TempDir
    static Path cache;

    static FashionMnistSuite suite;

    @BeforeAll
    static void build() {
        suite = FashionMnistSuite.of(
                FashionMnistSuite.Settings.quick(), FashionMnist.installed(), LabCache.at(cache), Progress.NONE);
    }

    @Test
    void plainNegationIsTheJointUpdateMinusLambdaTimesTheForgetUpdate() {
        Adapter joint = suite.joint(0);
        Adapter forget = suite.adapter(suite.tasks().get(0), 0);
        Adapter retain = Merge.of(
                        suite.adapter(suite.tasks().get(1), 0),
                        suite.adapter(suite.tasks().get(2), 0))
                .method(Method.CAT)
                .adapter();
        double lambda = 1.5;
        Adapter after = UnlearnExperiment.unlearned(
                joint, forget, retain, lambda, 0, new UnlearnExperiment.PruneSetting(Unlearn.ALL, Pruning.energy()));
        Map<String, DenseMatrix> dense = new LinkedHashMap<>();
        for (String m : suite.base().modules()) {
            dense.put(m, joint.dense(m).minus(forget.dense(m).times(lambda)));
        }
        LabeledImages x = suite.tasks().get(0).test();
        double[][] got = suite.base().with(after).logits(x);
        double[][] want = suite.base().withUpdates(dense, 1.0).logits(x);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            double scale = 1e-6;
            for (double v : want[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int c = 0; c < got[i].length; c++) {
                worst = Math.max(worst, Math.abs(got[i][c] - want[i][c]) / scale);
            }
        }
        assertTrue(worst < 1e-4, "joint − λ·forget vs dense: max relative logit error " + worst);
    }

    @Test
    void theReportHasTheContractsKeysForgetsAndGivesTheSameBytes() throws Exception {
        UnlearnExperiment<LabeledImages> experiment =
                UnlearnExperiment.of(suite).lambdas(1.0).protectRanks(0, UnlearnExperiment.ALL);
        ForgettingReport report = experiment.report();
        String json = report.toJson();
        assertEquals(json, experiment.report().toJson(), "the same seeds give the same bytes");
        JsonNode j = new ObjectMapper().readTree(json);
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals("rotated", j.get("forget").asText());
        assertEquals(3, j.get("retain").size());
        assertEquals(2 * 3, j.get("rows").size(), json);
        for (JsonNode row : j.get("rows")) {
            for (String key : List.of(
                    "lambda",
                    "protect_rank",
                    "prune_rank",
                    "pruning",
                    "forget",
                    "retain",
                    "control",
                    "forget_se",
                    "retain_se",
                    "control_se")) {
                assertTrue(row.has(key), key + " missing in " + row);
            }
            for (String key : List.of("forget", "retain", "control")) {
                double v = row.get(key).asDouble();
                assertTrue(v >= 0 && v <= 1, key + ": " + v);
            }
        }
        JsonNode plain = j.get("rows").get(0);
        assertEquals(0, plain.get("protect_rank").asInt());
        assertEquals("none", plain.get("pruning").asText());
        assertEquals(12, j.get("rows").get(3).get("protect_rank").asInt(), "all of the retain rank: 3 × 4");
        double before = j.get("joint").get("forget").asDouble();
        double after = plain.get("forget").asDouble();
        assertTrue(
                after <= before - 0.10,
                "negating the forget adapter should cost it 10 points; joint " + before + ", after " + after);
    }

    @Test
    void anUnknownTaskIsAnErrorNamingTheTasks() {
        LoraException e = assertThrows(
                LoraException.class, () -> UnlearnExperiment.of(suite).forget("upside"));
        assertTrue(e.getMessage().contains("upside") && e.getMessage().contains("rotated"), e.getMessage());
    }
}
