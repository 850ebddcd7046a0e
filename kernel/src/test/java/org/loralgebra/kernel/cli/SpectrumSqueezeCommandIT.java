package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;

/**
 * {@code lora spectrum} agrees with a dense SVD (LAPACK gesdd of the materialized out×in update) on the real
 * adapters; {@code lora squeeze --rank 4} writes the best rank-4 approximation, which reloads with the same update.
 * An integration test: dense SVDs of every module of two real adapters.
 */
class SpectrumSqueezeCommandIT {
    @TempDir
    Path tmp;

    @Test
    void spectrumJsonMatchesDenseSvdOnRealAdapters() throws Exception {
        for (String name : List.of("distilbert-imdb", "gpt2-tigrinya")) {
            Path p = CliRun.adapter(name);
            CliRun run = CliRun.of(
                    "spectrum",
                    p.toString(),
                    "--json",
                    "--modules",
                    name.startsWith("gpt2") ? "transformer.h.0.**" : "**");
            assertEquals(0, run.status(), run.err());
            JsonNode modules = new ObjectMapper().readTree(run.out()).get("modules");
            Adapter a = Lora.load(p);
            assertEquals(name.startsWith("gpt2") ? 3 : 12, modules.size());
            for (Iterator<String> it = modules.fieldNames(); it.hasNext(); ) {
                String m = it.next();
                double[] reference = a.dense(m).singularValues();
                JsonNode s = modules.get(m);
                assertEquals(8, s.size());
                for (int i = 0; i < s.size(); i++) {
                    assertEquals(reference[i], s.get(i).asDouble(), 1e-4 * reference[i], name + " " + m + " σ" + i);
                    if (i > 0) {
                        assertTrue(
                                s.get(i).asDouble() <= s.get(i - 1).asDouble(), name + " " + m + ": descending, " + s);
                    }
                }
            }
        }
    }

    @Test
    void squeezeToRank4IsEckartYoungOptimalAndReloads() {
        Path in = CliRun.adapter("distilbert-emotion");
        Path out = tmp.resolve("squeezed");
        CliRun run = CliRun.of("squeeze", in.toString(), "--rank", "4", "-o", out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("rank 4"), run.out());
        Adapter original = Lora.load(in);
        Adapter back = Lora.load(out);
        for (String m : List.of(
                "distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.3.attention.v_lin")) {
            assertEquals(4, back.module(m).rank());
            DenseMatrix full = original.dense(m);
            double[] s = full.singularValues();
            double tail = 0;
            for (int i = 4; i < s.length; i++) {
                tail += s[i] * s[i];
            }
            double err = full.minus(back.dense(m)).frobeniusNorm();
            assertEquals(Math.sqrt(tail), err, 1e-3 * s[0], m + ": error of the best rank-4 approximation = the tail");
        }
        assertEquals(original.modules(), back.modules());
    }
}
