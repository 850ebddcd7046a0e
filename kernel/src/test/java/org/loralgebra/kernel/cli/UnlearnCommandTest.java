package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Decomposition;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.unlearn.Pruning;
import org.loralgebra.stdlib.unlearn.Unlearn;

/**
 * {@code lora unlearn} on the real DistilBERT adapters: without {@code --onto} it writes exactly
 * {@code −λ·(I − QQᵀ)·(top-P directions of F)} (Q: R's top-K output basis); with {@code --onto} ADAPTER plus that.
 */
class UnlearnCommandTest {
    @TempDir
    Path tmp;

    /** Modules checked densely here (every module is checked against dense references in the stdlib tests). */
    private static final List<String> SAMPLE = List.of(
            "distilbert.transformer.layer.0.attention.q_lin",
            "distilbert.transformer.layer.3.attention.v_lin",
            "distilbert.transformer.layer.5.attention.q_lin");

    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");

    /** −λ·(I − QQᵀ)·Σ_{i<p} σᵢuᵢvᵢᵀ, from the decompositions, in plain double loops. */
    private static double[] expectedUpdate(
            Decomposition.ModuleDecomposition f, Decomposition.ModuleDecomposition r, int p, int k, double lambda) {
        DenseMatrix u = f.u();
        DenseMatrix v = f.v();
        DenseMatrix q = r.u();
        int out = u.rows();
        int in = v.rows();
        double[] top = new double[out * in];
        double[] s = f.s();
        for (int d = 0; d < p; d++) {
            for (int i = 0; i < out; i++) {
                double x = s[d] * u.get(i, d);
                for (int j = 0; j < in; j++) {
                    top[i * in + j] += x * v.get(j, d);
                }
            }
        }
        double[] result = top.clone();
        for (int c = 0; c < k; c++) {
            double[] qtx = new double[in];
            for (int i = 0; i < out; i++) {
                double qi = q.get(i, c);
                for (int j = 0; j < in; j++) {
                    qtx[j] += qi * top[i * in + j];
                }
            }
            for (int i = 0; i < out; i++) {
                double qi = q.get(i, c);
                for (int j = 0; j < in; j++) {
                    result[i * in + j] -= qi * qtx[j];
                }
            }
        }
        for (int i = 0; i < result.length; i++) {
            result[i] *= -lambda;
        }
        return result;
    }

    @Test
    void writesTheNegatedProtectedPrunedForgetUpdate() {
        Path out = tmp.resolve("update");
        CliRun run = CliRun.of(
                "unlearn",
                "--forget",
                IMDB.toString(),
                "--retain",
                EMOTION.toString(),
                "--lambda",
                "0.8",
                "--protect-rank",
                "6",
                "--prune-rank",
                "4",
                "-o",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("of the forget energy removed"), run.out());
        Adapter written = Lora.load(out);
        assertEquals(Lora.load(IMDB).modules(), written.modules());
        written.modules().forEach(m -> assertEquals(4, written.module(m).rank(), m));
        Decomposition f = Lora.load(IMDB).decompose();
        Decomposition r = Lora.load(EMOTION).decompose();
        for (String m : SAMPLE) {
            double[] want = expectedUpdate(f.module(m), r.module(m), 4, 6, 0.8);
            double[] got = written.dense(m).toArray();
            double err = 0;
            double norm = 0;
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(got[i] - want[i]));
                norm = Math.max(norm, Math.abs(want[i]));
            }
            assertTrue(err < 1e-4 * norm, m + ": max error " + err + " of " + norm);
        }
    }

    @Test
    void ontoWritesTheAdapterPlusTheUpdateAndJsonReports() throws Exception {
        Path model = tmp.resolve("model");
        Lora.load(IMDB).plus(Lora.load(EMOTION)).save(model.toString());
        Path out = tmp.resolve("unlearned");
        CliRun run = CliRun.of(
                "unlearn",
                "--forget",
                IMDB.toString(),
                "--retain",
                EMOTION.toString(),
                "--prune-rank",
                "4",
                "--pruning",
                "least-overlap",
                "--onto",
                model.toString(),
                "-o",
                out.toString(),
                "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("least-overlap", report.get("pruning").asText());
        assertEquals(12, report.get("modules").size());
        for (JsonNode row : report.get("modules")) {
            assertTrue(row.get("overlap_removed").asDouble() < 1e-9, row.toString());
        }
        Adapter written = Lora.load(out);
        Adapter update = Unlearn.of(Lora.load(IMDB))
                .retain(Lora.load(EMOTION))
                .pruneRank(4)
                .pruning(Pruning.leastRetainOverlap())
                .update();
        for (String m : SAMPLE) {
            DenseMatrix want = Lora.load(model).dense(m).plus(update.dense(m));
            assertBelow(
                    written.dense(m).minus(want).frobeniusNorm(), 1e-5 * want.frobeniusNorm(), m + ": ‖got − want‖_F");
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        String o = tmp.resolve("x").toString();
        assertEquals(
                ExitCodes.USAGE,
                CliRun.of("unlearn", "--forget", IMDB.toString(), "-o", o).status(),
                "--retain is required");
        for (String[] bad : new String[][] {
            {"--lambda", "0"},
            {"--lambda", "-1"},
            {"--prune-rank", "0"},
            {"--protect-rank", "-2"},
            {"--pruning", "random"}
        }) {
            CliRun run = CliRun.of(
                    "unlearn", "--forget", IMDB.toString(), "--retain", EMOTION.toString(), bad[0], bad[1], "-o", o);
            assertEquals(ExitCodes.USAGE, run.status(), String.join(" ", bad));
            assertTrue(run.err().contains(bad[0]), run.err());
        }
        CliRun sameAsInput = CliRun.of(
                "unlearn", "--forget", IMDB.toString(), "--retain", EMOTION.toString(), "-o", IMDB.toString());
        assertEquals(ExitCodes.INPUT, sameAsInput.status(), sameAsInput.err());
    }
}
