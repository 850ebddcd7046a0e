package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.exec.NumericFailure;
import org.loralgebra.io.TestFiles;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Rank;

/**
 * A bad value is an error, never a silently wrong result: a non-finite weight stops the computation that reads it,
 * naming file, tensor, module and index; finite weights whose products overflow F32 make the failing step report
 * the module, the input and the bound; nothing is written either way.
 */
class NumericFailureTest {
    @TempDir
    Path tmp;

    /** A one-module PEFT folder whose factors have entries of magnitude {@code size} with random signs. */
    private Path adapter(String name, float size, float nanAt) {
        Random random = new Random(3);
        float[] a = new float[4 * 6];
        float[] b = new float[5 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = size * (random.nextBoolean() ? 1 : -1) * (0.5f + random.nextFloat());
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = size * (random.nextBoolean() ? 1 : -1) * (0.5f + random.nextFloat());
        }
        if (nanAt >= 0) {
            a[(int) nanAt] = Float.NaN;
        }
        Path dir = tmp.resolve(name);
        TestFiles.write(
                dir.resolve("adapter_model.safetensors"),
                TestFiles.safetensors(
                        TestFiles.tensors(
                                "base_model.model.l.q.lora_A.weight", TestFiles.f32(new long[] {4, 6}, a),
                                "base_model.model.l.q.lora_B.weight", TestFiles.f32(new long[] {5, 4}, b)),
                        Map.of()));
        TestFiles.write(dir.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 4}");
        return dir;
    }

    @Test
    void aNaNWeightStopsEveryComputationThatReadsIt() {
        Path bad = adapter("bad", 1f, 9);
        Path good = adapter("good", 1f, -1);
        for (Adapter result :
                List.of(Lora.load(bad).truncate(Rank.of(2)), Lora.load(good).plus(Lora.load(bad)))) {
            Path out = tmp.resolve("out");
            AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> result.save(out.toString()));
            for (String f :
                    List.of("'base_model.model.l.q.lora_A.weight'", "module 'l.q'", "NaN at flat index 9", "bad")) {
                assertTrue(e.getMessage().contains(f), f + " in: " + e.getMessage());
            }
            assertFalse(Files.exists(out), "nothing written");
        }
        assertThrows(
                AdapterFormatException.class, () -> Lora.load(bad).spectrum().values());
        assertEquals(1, Lora.load(bad).type().modules().size(), "headers still read");
    }

    @Test
    void finiteWeightsWhoseProductsOverflowF32AreReportedWithModuleInputAndBound() {
        Path huge = adapter("huge", 1e19f, -1);
        Path out = tmp.resolve("out");
        NumericFailure e = assertThrows(
                NumericFailure.class, () -> Lora.load(huge).truncate(Rank.of(2)).save(out.toString()));
        for (String f : List.of("module 'l.q'", "'huge'", huge.toString(), "past F32's range", "F64")) {
            assertTrue(e.getMessage().contains(f), f + " in: " + e.getMessage());
        }
        assertFalse(Files.exists(out), "nothing written");
        assertEquals(List.of("huge"), TestFiles.listing(tmp), "no temporary left (the save had laid its file out)");
        ExecutionOptions before = Lora.options();
        try {
            Lora.configure(before.withPrecision(Precision.F64));
            Adapter f64 = Lora.load(huge).truncate(Rank.of(2)).eval();
            double s = f64.spectrum().module("l.q")[0];
            assertTrue(Double.isFinite(s) && s > 1e38, "in F64 the same computation is finite: σ₁ = " + s);
        } finally {
            Lora.configure(before);
        }
    }
}
