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
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.orthogonalize.Orthogonalize;

/**
 * {@code lora orthogonalize} on the real DistilBERT adapters: the written adapter is the library's result (whose
 * math the stdlib tests pin against dense references) and has no component left in any OTHER's subspace.
 */
class OrthogonalizeCommandTest {
    @TempDir
    Path tmp;

    /** Modules checked densely here (every module is checked against dense references in the stdlib tests). */
    private static final List<String> SAMPLE = List.of(
            "distilbert.transformer.layer.0.attention.q_lin",
            "distilbert.transformer.layer.3.attention.v_lin",
            "distilbert.transformer.layer.5.attention.q_lin");

    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");

    /** ‖UᵀΔW‖_F with U [out, k] of the decomposition. */
    private static double leftResidual(DenseMatrix u, DenseMatrix dw) {
        double s = 0;
        for (int j = 0; j < u.cols(); j++) {
            for (int c = 0; c < dw.cols(); c++) {
                double dot = 0;
                for (int i = 0; i < u.rows(); i++) {
                    dot += u.get(i, j) * dw.get(i, c);
                }
                s += dot * dot;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void outputSideAgainstTwoAdaptersWritesAnUpdateOrthogonalToBoth() {
        Path second = tmp.resolve("emotion-minus-imdb");
        Lora.load(EMOTION).minus(Lora.load(IMDB).times(0.3)).truncate(4).save(second.toString());
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of(
                "orthogonalize",
                IMDB.toString(),
                "--against",
                EMOTION + "," + second,
                "--rank",
                "4",
                "-o",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("energy before") && run.out().contains("q_lin"), run.out());
        Adapter written = Lora.load(out);
        Adapter expected = Orthogonalize.of(Lora.load(IMDB))
                .against(Lora.load(EMOTION), Lora.load(second))
                .rank(4)
                .adapter();
        Decomposition e = Lora.load(EMOTION).decompose();
        Decomposition s = Lora.load(second).decompose();
        for (String m : SAMPLE) {
            DenseMatrix got = written.dense(m);
            DenseMatrix want = expected.dense(m);
            assertBelow(got.minus(want).frobeniusNorm(), 1e-5 * want.frobeniusNorm(), m + ": ‖got − want‖_F");
            // Relative to the input's norm: projecting removes most of it (30× on layer 5's q_lin), and what F32
            // round-off leaves is relative to what was there before, not to the small remainder.
            double before = Lora.load(IMDB).dense(m).frobeniusNorm();
            double inFirst = leftResidual(top(e.module(m).u(), 4), got) / before;
            double inSecond = leftResidual(top(s.module(m).u(), 4), got) / before;
            assertTrue(inFirst < 1e-5, m + ": nothing left in emotion's top-4, found " + inFirst);
            assertTrue(inSecond < 1e-5, m + ": nothing left in the second base's top-4, found " + inSecond);
        }
    }

    @Test
    void jsonReportForBothSides() throws Exception {
        Path out = tmp.resolve("both");
        CliRun run = CliRun.of(
                "orthogonalize",
                EMOTION.toString(),
                "--against",
                IMDB.toString(),
                "--side",
                "both",
                "-o",
                out.toString(),
                "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("both", report.get("side").asText());
        assertEquals("all", report.get("rank").asText());
        assertEquals(24, report.get("rows").size(), "12 modules × 2 sides");
        for (JsonNode row : report.get("rows")) {
            assertTrue(row.get("energy_before").asDouble() > 1e-4, row.toString());
            assertTrue(row.get("energy_after").asDouble() < 1e-9, row.toString());
        }
        Adapter expected = Orthogonalize.of(Lora.load(EMOTION))
                .against(Lora.load(IMDB))
                .side(Side.BOTH)
                .adapter();
        String m = "distilbert.transformer.layer.2.attention.v_lin";
        DenseMatrix want = expected.dense(m);
        assertBelow(
                Lora.load(out).dense(m).minus(want).frobeniusNorm(),
                1e-5 * want.frobeniusNorm(),
                m + ": ‖got − want‖_F");
    }

    @Test
    void badArgumentsAreUsageErrorsAndBadAdaptersInputErrors() {
        String o = tmp.resolve("x").toString();
        assertEquals(
                ExitCodes.USAGE,
                CliRun.of("orthogonalize", IMDB.toString(), "-o", o).status(),
                "--against is required");
        CliRun side =
                CliRun.of("orthogonalize", IMDB.toString(), "--against", EMOTION.toString(), "--side", "up", "-o", o);
        assertEquals(ExitCodes.USAGE, side.status());
        assertTrue(side.err().contains("--side"), side.err());
        assertEquals(
                ExitCodes.USAGE,
                CliRun.of("orthogonalize", IMDB.toString(), "--against", EMOTION.toString(), "--rank", "0", "-o", o)
                        .status());
        CliRun otherModel = CliRun.of(
                "orthogonalize",
                IMDB.toString(),
                "--against",
                CliRun.adapter("gpt2-tigrinya").toString(),
                "-o",
                o);
        assertEquals(ExitCodes.INPUT, otherModel.status());
        assertTrue(otherModel.err().contains("gpt2") && otherModel.err().contains("distilbert"), otherModel.err());
        CliRun missing = CliRun.of(
                "orthogonalize",
                IMDB.toString(),
                "--against",
                tmp.resolve("nope").toString(),
                "-o",
                o);
        assertEquals(ExitCodes.INPUT, missing.status());
        assertTrue(missing.err().contains("nope"), missing.err());
    }

    private static DenseMatrix top(DenseMatrix u, int k) {
        double[] v = new double[u.rows() * k];
        for (int i = 0; i < u.rows(); i++) {
            for (int j = 0; j < k; j++) {
                v[i * k + j] = u.get(i, j);
            }
        }
        return new DenseMatrix(u.rows(), k, v);
    }
}
