package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.stdlib.analysis.ReduceIntruders;

/** {@code lab intruders} on the reduced Fashion-MNIST suite. */
class IntruderExperimentTest {
    @TempDir
    static Path cache;

    @TempDir
    static Path checkpoint;

    static FashionMnistSuite suite;

    @BeforeAll
    static void build() {
        suite = FashionMnistSuite.of(
                FashionMnistSuite.Settings.quick(), FashionMnist.installed(), LabCache.at(cache), Progress.NONE);
    }

    @Test
    void theCheckpointHoldsTheModelsWeightsBitForBit() {
        suite.base().saveCheckpoint(checkpoint);
        Checkpoint c = Checkpoint.open(checkpoint);
        Adapter a = suite.adapter(suite.tasks().get(0), 0);
        // λ = 1 keeps every intruder: the reduced update is the rank-r approximation of a rank-r update, itself
        Adapter same = ReduceIntruders.of(c, a).lambda(1).adapter();
        for (String m : suite.base().modules()) {
            DenseMatrix want = a.dense(m);
            double err = same.dense(m).minus(want).frobeniusNorm() / want.frobeniusNorm();
            assertTrue(err < 1e-4, m + ": λ = 1 vs the adapter, relative error " + err);
        }
        Adapter reread = Lora.load(cache.resolve(cache.toFile().list((d, n) -> n.startsWith("adapter-"))[0]));
        assertEquals(a.modules(), reread.modules());
    }

    @Test
    void theReportHasItsKeysAndLambdaOneIsTheAdapter() throws Exception {
        IntruderReport report = IntruderExperiment.of(suite).lambdas(1, 0).report();
        JsonNode j = new ObjectMapper().readTree(report.toJson());
        assertEquals("fmnist", j.get("suite").asText());
        assertEquals(2, j.get("rows").size());
        JsonNode keep = j.get("rows").get(0);
        assertEquals(1.0, keep.get("lambda").asDouble());
        assertTrue(keep.get("intruders").isNumber() && keep.get("task").has("se"), keep.toString());
        double adapterTask = j.get("adapter").get("task").get("mean").asDouble();
        double diff = Math.abs(keep.get("task").get("mean").asDouble() - adapterTask);
        assertTrue(diff <= 0.01, "λ = 1 changes nothing but float rounding; task accuracy moved by " + diff);
        double removed = j.get("rows").get(1).get("task").get("mean").asDouble();
        assertTrue(
                j.get("rows").get(1).get("intruders").asDouble() == 0 || removed < adapterTask,
                "removing found intruders should cost the own task something: " + removed + " vs " + adapterTask);
    }
}
