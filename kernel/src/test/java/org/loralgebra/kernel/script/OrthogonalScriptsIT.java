package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.stdlib.orthogonalize.Orthogonalize;
import org.loralgebra.stdlib.unlearn.Unlearn;

/**
 * examples/unlearn.lora.kts and examples/orthogonalize.lora.kts run on the real DistilBERT adapters: what they
 * print holds (nothing of the retained task touched, nothing left in the removed subspace, FedSVD exact) and what
 * they save is the library's result.
 */
class OrthogonalScriptsIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("loralgebra.examplesDir", "../examples"));
    private static final Path IMDB = RealAdapters.path("distilbert-imdb");
    private static final Path EMOTION = RealAdapters.path("distilbert-emotion");
    private static final List<String> SAMPLE =
            List.of("distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.5.attention.v_lin");

    @TempDir
    Path tmp;

    private final StringWriter errText = new StringWriter();
    private final ScriptRunner runner = new ScriptRunner(new PrintWriter(errText, true));

    private String run(Path script, List<String> args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(ScriptOutcome.Completed.INSTANCE, runner.run(script, args), errText.toString());
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertSameUpdate(Adapter expected, Path saved) {
        AdapterSource src = Lora.load(saved).source().orElseThrow();
        Adapter held = expected.eval();
        for (String m : SAMPLE) {
            Dense.M want = TestAdapters.dense(held.source().orElseThrow(), m);
            double err = Dense.relError(TestAdapters.dense(src, m), want);
            assertTrue(err < 1e-5, m + ": relative error " + err);
        }
    }

    @Test
    void unlearnScriptRemovesTheForgetTaskAndLeavesTheRetainedSubspaceAlone() {
        Path out = tmp.resolve("unlearned");
        String printed = run(
                EXAMPLES.resolve("unlearn.lora.kts"),
                List.of(IMDB.toString(), EMOTION.toString(), out.toString(), "4"));
        Adapter imdb = Lora.load(IMDB);
        Adapter emotion = Lora.load(EMOTION);
        Unlearn recipe =
                Unlearn.of(imdb).retain(emotion).protectRank(8).pruneRank(4).onto(imdb.plus(emotion));
        assertTrue(
                printed.contains(String.format(
                        Locale.ROOT,
                        "%.2f%% of the forget energy removed",
                        100 * recipe.report().removedFraction())),
                printed);
        int rows = 0;
        for (String line : printed.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3 && f[0].startsWith("distilbert.")) {
                rows++;
                double left = Double.parseDouble(f[1]);
                assertTrue(
                        left > 0 && left < 0.5,
                        line + ": most of the forget update is gone, not all of it (P = 4 of 8)");
                assertEquals(
                        90.0,
                        Double.parseDouble(f[2]),
                        0.005,
                        line + ": the update is orthogonal to the retain subspace");
            }
        }
        assertEquals(12, rows, printed);
        assertSameUpdate(recipe.adapter(), out);
    }

    @Test
    void orthogonalizeScriptLeavesNothingInTheRemovedSubspace() {
        Path out = tmp.resolve("clean");
        String printed = run(
                EXAMPLES.resolve("orthogonalize.lora.kts"),
                List.of(IMDB.toString(), EMOTION.toString(), out.toString(), "4"));
        int rows = 0;
        for (String line : printed.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals("distilbert-emotion")) {
                rows++;
                assertTrue(Double.parseDouble(f[3]) > 1e-3, line);
                assertTrue(Double.parseDouble(f[4]) < 1e-9, line + ": energy left inside emotion's top-4 subspace");
                assertEquals("90.00°", f[6], line);
            }
        }
        assertEquals(12, rows, printed);
        String fed =
                printed.lines().filter(l -> l.startsWith("FedSVD")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(fed.substring(fed.lastIndexOf(' ') + 1)) < 1e-5, fed);
        assertEquals(2, printed.lines().filter(l -> l.contains("cos with")).count(), printed);
        assertSameUpdate(
                Orthogonalize.of(Lora.load(IMDB))
                        .against(Lora.load(EMOTION))
                        .rank(4)
                        .adapter(),
                out);
    }
}
