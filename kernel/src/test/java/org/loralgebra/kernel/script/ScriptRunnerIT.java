package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Dense;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.AdapterSource;

/** The example scripts and the error reports of the script host, on the real adapters. */
class ScriptRunnerIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("loralgebra.examplesDir", "../examples"));
    private static final Path SCRIPTS = Path.of("src/test/resources/scripts");

    @TempDir
    Path tmp;

    private final StringWriter errText = new StringWriter();
    private final ScriptRunner runner = new ScriptRunner(new PrintWriter(errText, true));

    private String err() {
        return errText.toString();
    }

    /** Runs a script with System.out captured; returns what it printed. */
    private String runCapturing(Path script, List<String> args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ScriptOutcome outcome = runner.run(script, args);
            assertEquals(ScriptOutcome.Completed.INSTANCE, outcome, err());
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void spectrumScriptPrintsTheDenseSingularValuesAndSavesThePlot() throws Exception {
        Path adapter = RealAdapters.path("distilbert-imdb");
        Path plot = tmp.resolve("spectra.svg");
        String out = runCapturing(EXAMPLES.resolve("spectrum.lora.kts"), List.of(adapter.toString(), plot.toString()));
        Map<String, double[]> printed = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 9 && f[0].startsWith("distilbert.")) {
                double[] s = new double[8];
                for (int i = 0; i < 8; i++) {
                    s[i] = Double.parseDouble(f[i + 1]);
                }
                printed.put(f[0], s);
            }
        }
        AdapterSource src = Lora.load(adapter).source().orElseThrow();
        assertEquals(src.type().modules().keySet(), printed.keySet(), "one line per module:\n" + out);
        for (Map.Entry<String, double[]> e : printed.entrySet()) {
            Dense.M dense = TestAdapters.dense(src, e.getKey());
            double[] reference = new DenseMatrix(dense.rows(), dense.cols(), dense.v()).singularValues();
            for (int i = 0; i < 8; i++) {
                assertEquals(reference[i], e.getValue()[i], 1e-4 * reference[0], e.getKey() + " σ" + i);
            }
        }
        assertTrue(out.contains("q_lin") && out.contains("rank"), "module table printed:\n" + out);
        String svg = Files.readString(plot);
        assertTrue(svg.startsWith("<svg") && svg.contains("Spectra of"), "plot saved");
    }

    @Test
    void blendScriptSavesTheWeightedSumWithScalarOnTheLeft() throws Exception {
        Path a = RealAdapters.path("distilbert-imdb");
        Path b = RealAdapters.path("distilbert-emotion");
        Path out = tmp.resolve("blend");
        String printed = runCapturing(
                EXAMPLES.resolve("blend.lora.kts"), List.of(a.toString(), b.toString(), out.toString(), "0.25"));
        assertTrue(printed.contains("saved"), printed);
        AdapterSource sa = Lora.load(a).source().orElseThrow();
        AdapterSource sb = Lora.load(b).source().orElseThrow();
        AdapterSource saved = Lora.load(out).source().orElseThrow();
        List<String> modules = new ArrayList<>(sa.type().modules().keySet());
        assertEquals(sa.type().modules().keySet(), saved.type().modules().keySet());
        for (String m : List.of(modules.get(0), modules.get(modules.size() - 1))) {
            Dense.M expected = Dense.add(
                    Dense.scale(TestAdapters.dense(sa, m), 0.25), Dense.scale(TestAdapters.dense(sb, m), 0.75), 1);
            double err = Dense.relError(TestAdapters.dense(saved, m), expected);
            assertTrue(err < 1e-5, m + ": relative error " + err);
            assertEquals(16, saved.type().modules().get(m).rank(), "ranks add");
        }
    }

    @Test
    void compileErrorsAreReportedAsFileLineColumn() {
        Path script = SCRIPTS.resolve("broken.lora.kts");
        ScriptOutcome outcome = runner.run(script, List.of());
        ScriptOutcome.CompileErrors errors = assertInstanceOf(ScriptOutcome.CompileErrors.class, outcome);
        assertEquals(List.of(script + ":3:9: error: Unresolved reference 'nope'."), errors.getErrors());
        assertEquals(script + ":3:9: error: Unresolved reference 'nope'.\n", err());
    }

    @Test
    void aFailingScriptIsReportedAtItsLineWithoutAStackTrace() {
        Path script = SCRIPTS.resolve("missing-adapter.lora.kts");
        Path missing = tmp.resolve("no-such-adapter");
        ScriptOutcome outcome = runner.run(script, List.of(missing.toString()));
        ScriptOutcome.Failed failed = assertInstanceOf(ScriptOutcome.Failed.class, outcome);
        String report = failed.getReport();
        assertTrue(report.startsWith(script + ":2: error: "), report);
        assertTrue(report.contains(missing.toString()), "names the missing folder: " + report);
        assertTrue(!err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void refusesAFileThatIsNotALoraScript() throws Exception {
        Path kts = Files.writeString(tmp.resolve("plain.kts"), "println(1)");
        IllegalArgumentException e =
                Assertions.assertThrows(IllegalArgumentException.class, () -> runner.run(kts, List.of()));
        assertEquals("script " + kts + ": expected a file name ending in .lora.kts", e.getMessage());
    }
}
