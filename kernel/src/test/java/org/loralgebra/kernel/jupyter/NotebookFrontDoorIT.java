package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.kernel.cli.Main;

/**
 * A notebook as someone writes it without reading {@code notebooks/README.md}, and its figure as a person sees it once
 * the notebook is shared. {@code src/test/resources/jupyter/first-cell.ipynb} loads an adapter in its first cell,
 * plots in its second ({@code SpectrumPlot.of(imdb.spectrum())}), then shows a spectrum's values, spectrum statistics
 * (tables, never {@code [D@…}) and a plan ({@code explain()}, once); it is executed with the real kernel (nbclient), the kernel restarted and the notebook executed
 * again (the Notebook UI's restart), converted by the real {@code jupyter nbconvert --to html}, and shot with headless
 * Chromium: the figure's box must hold drawn pixels. The same check on the page {@code lora plot … -o FILE.html}
 * writes. Controls: the figure bundle kernels used to emit (inline SVG only), converted the same way, must measure as
 * blank, so the check can fail. After the second run a cell that fails with a LoRAlgebra error must stop nbclient (as
 * it stops nbconvert) and show the error's message, not its stack trace.
 */
class NotebookFrontDoorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Index of the cell that plots, in first-cell.ipynb. */
    private static final int FIGURE_CELL = 1;
    /** Index of the cell that calls explain(), in first-cell.ipynb. */
    private static final int EXPLAIN_CELL = 4;
    /** How the JVM prints an array without a renderer: {@code [D@464649c}. */
    private static final Pattern ARRAY_IDENTITY = Pattern.compile("\\[[DFIJ]@[0-9a-f]+");
    /** Minimum size of a figure's box (the spectrum plot is 900×420 SVG pixels). */
    private static final int MIN_WIDTH = 600;

    private static final int MIN_HEIGHT = 300;
    /** Minimum share of a figure's box that is drawn (axes, grid, lines, labels: 3–10% on these plots). */
    private static final double MIN_INKED_SHARE = 0.01;

    @TempDir
    static Path tmp;

    private static InstalledKernel kernel;
    private static Path out;

    @BeforeAll
    static void installKernel() throws Exception {
        kernel = InstalledKernel.install(tmp);
        out = Path.of("target", "front-door").toAbsolutePath();
        Files.createDirectories(out);
    }

    @Test
    void aNotebookThatLoadsAnAdapterFirstRunsAfterARestartAndItsFigureShowsInNbconvertHtml() throws Exception {
        Path notebook = resource("jupyter/first-cell.ipynb");
        Path before = out.resolve("first-cell.ipynb");
        Path after = out.resolve("first-cell-after-restart.ipynb");
        Path failure = out.resolve("failing-cell.json");
        Path log = out.resolve("first-cell.log");
        int rc = kernel.run(
                kernel.offline(List.of(
                        InstalledKernel.JUPYTER_PYTHON,
                        resource("jupyter/execute_restart_execute.py").toString(),
                        notebook.toString(),
                        KernelInstaller.KERNEL_NAME,
                        kernel.repoRoot().toString(),
                        before.toString(),
                        after.toString(),
                        "Lora.load(\"examples/adapters/no-such-adapter\")",
                        failure.toString())),
                kernel.repoRoot(),
                15,
                log);
        assertEquals(0, rc, "executing, restarting and executing again failed:\n" + InstalledKernel.tail(log, 60));
        JsonNode source = JSON.readTree(notebook.toFile());
        for (Path executed : List.of(before, after)) {
            List<String> problems = ExecutedNotebookCheck.problems(source, JSON.readTree(executed.toFile()));
            assertTrue(problems.isEmpty(), executed.getFileName() + ":\n" + String.join("\n", problems));
        }
        assertEquals(
                1,
                JSON.readTree(after.toFile()).at("/cells/0/execution_count").asInt(),
                "after the restart the first cell runs as the new kernel's first execution");
        String executedText = Files.readString(before, StandardCharsets.UTF_8);
        assertFalse(
                ARRAY_IDENTITY.matcher(executedText).find(),
                "a value printed as an array's identity ([D@…) in " + before);
        String explained =
                ExecutedNotebookCheck.shownText(JSON.readTree(before.toFile()).at("/cells/" + EXPLAIN_CELL));
        assertEquals(
                1,
                explained.split("== Physical plan ==", -1).length - 1,
                "explain() shows the plan once: " + explained);

        JsonNode failed = JSON.readTree(failure.toFile());
        assertTrue(failed.path("raised").asBoolean(), "a LoRAlgebra error fails the cell (nbconvert stops): " + failed);
        StringBuilder stderr = new StringBuilder();
        for (JsonNode output : failed.path("outputs")) {
            if ("stderr".equals(output.path("name").asText())) {
                stderr.append(output.path("text").asText());
            }
        }
        String shown = stderr.toString().strip();
        assertTrue(
                shown.startsWith("AdapterFormatException: examples/adapters/no-such-adapter: no such file or folder")
                        && shown.contains("expected a PEFT adapter folder"),
                "the cell shows the error's message: " + shown);
        assertTrue(
                shown.lines().count() <= 3 && !shown.contains("\tat ") && !shown.contains("at org.jetbrains"),
                "the cell shows no stack trace (" + shown.lines().count() + " lines): " + shown);
        String error = failed.path("error").asText();
        assertTrue(
                error.contains("no such file or folder") && !error.contains("at org.jetbrains"),
                "nbconvert's error names the message without kernel frames: " + error);

        BrowserFigure figure = figureInHtml(before, "bundle");
        assertShows(figure, "the figure in nbconvert's HTML");

        BrowserFigure control = figureInHtml(inlineSvgOnly(before), "svg-only");
        assertEquals(
                0,
                control.inked(),
                "control: the inline-SVG-only bundle shows as a blank box in nbconvert HTML"
                        + " (nbconvert strips the SVG's elements), so the check above can fail; measured " + control);
    }

    @Test
    void thePageLoraPlotWritesShowsItsFigure() throws Exception {
        Path page = out.resolve("spectrum.html");
        Files.deleteIfExists(page);
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int status = Main.run(
                new PrintWriter(stdout),
                new PrintWriter(stderr),
                Map.of(),
                "plot",
                "spectrum",
                kernel.repoRoot().resolve("examples/adapters/distilbert-imdb").toString(),
                "-o",
                page.toString());
        assertEquals(0, status, stderr.toString());
        BrowserFigure figure =
                BrowserFigure.measure(page, "document.body.firstElementChild", out.resolve("cli-browser"));
        assertShows(figure, "the figure on the CLI's HTML page");

        Path blank = out.resolve("blank.html");
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"420\"></svg>";
        Files.writeString(
                blank, "<!DOCTYPE html>\n<html><body><div>" + svg + "</div></body></html>\n", StandardCharsets.UTF_8);
        BrowserFigure control =
                BrowserFigure.measure(blank, "document.body.firstElementChild", out.resolve("cli-browser"));
        assertEquals(0, control.inked(), "control: an empty 900×420 SVG measures as blank; measured " + control);
    }

    private static void assertShows(BrowserFigure figure, String what) {
        System.out.printf("%s: %s, %.2f%% drawn%n", what, figure, figure.inkedShare() * 100);
        assertTrue(
                figure.width() >= MIN_WIDTH && figure.height() >= MIN_HEIGHT,
                what + ": expected a box of at least " + MIN_WIDTH + "×" + MIN_HEIGHT + " px, measured " + figure);
        assertTrue(
                figure.inkedShare() >= MIN_INKED_SHARE,
                what + ": expected at least " + MIN_INKED_SHARE * 100 + "% of its box drawn, measured "
                        + String.format("%.2f%%", figure.inkedShare() * 100) + " (" + figure + ")");
    }

    /** Converts an executed notebook with {@code jupyter nbconvert --to html} and measures its figure cell's output. */
    private static BrowserFigure figureInHtml(Path executed, String name) throws Exception {
        Path html = out.resolve(name + ".html");
        Path log = out.resolve(name + "-nbconvert.log");
        int rc = kernel.run(
                List.of(
                        "jupyter",
                        "nbconvert",
                        "--to",
                        "html",
                        "--output-dir",
                        out.toString(),
                        "--output",
                        name,
                        executed.toString()),
                out,
                5,
                log);
        assertEquals(0, rc, "nbconvert --to html failed:\n" + InstalledKernel.tail(log, 40));
        return BrowserFigure.measure(
                html,
                "document.querySelectorAll('.jp-CodeCell')[" + FIGURE_CELL + "].querySelector('.jp-OutputArea-output')",
                out.resolve(name + "-browser"));
    }

    /** A copy of the executed notebook whose figure output keeps only image/svg+xml and text/plain (the old bundle). */
    private static Path inlineSvgOnly(Path executed) throws Exception {
        JsonNode nb = JSON.readTree(executed.toFile());
        JsonNode outputs = nb.at("/cells/" + FIGURE_CELL + "/outputs");
        int figures = 0;
        for (JsonNode output : outputs) {
            if (output.path("data").has("image/svg+xml")) {
                ((ObjectNode) output.path("data")).retain("image/svg+xml", "text/plain");
                figures++;
            }
        }
        assertEquals(1, figures, "figure outputs in cell " + FIGURE_CELL + " of " + executed);
        Path copy = out.resolve("svg-only.ipynb");
        JSON.writeValue(copy.toFile(), nb);
        return copy;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(
                NotebookFrontDoorIT.class.getClassLoader().getResource(name).toURI());
    }
}
