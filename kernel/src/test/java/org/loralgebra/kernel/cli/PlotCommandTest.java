package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora plot KIND}: each kind writes the figure its extension names, built from the real adapters. */
class PlotCommandTest {
    @TempDir
    Path dir;

    private static String imdb() {
        return CliRun.adapter("distilbert-imdb").toString();
    }

    private static String emotion() {
        return CliRun.adapter("distilbert-emotion").toString();
    }

    private CliRun plot(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "plot";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun run = CliRun.of(all);
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        return run;
    }

    @Test
    void spectrumAsSvgPngAndHtml() throws IOException {
        Path svg = dir.resolve("spectrum.svg");
        CliRun run = plot("spectrum", CliRun.adapter("gpt2-tigrinya").toString(), "-o", svg.toString());
        assertEquals("wrote " + svg + "\n", run.out());
        String text = Files.readString(svg);
        assertTrue(
                text.startsWith("<svg") && text.contains("Singular value spectra of gpt2-tigrinya"),
                text.substring(0, 200));
        Path png = dir.resolve("by-layer.png");
        plot(
                "spectrum",
                CliRun.adapter("gpt2-tigrinya").toString(),
                "--by",
                "layer",
                "--normalized",
                "-o",
                png.toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > 600 && image.getHeight() > 400, image.getWidth() + "x" + image.getHeight());
        Path html = dir.resolve("spectrum.html");
        plot("spectrum", imdb(), "-o", html.toString());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg"));
        assertFalse(
                Pattern.compile("\\b(src|href)\\s*=\\s*[\"']?(https?:)?//")
                        .matcher(page)
                        .find(),
                "offline: no remote resource");
    }

    @Test
    void heatmapSimilarityAndInterference() throws IOException {
        Path heat = dir.resolve("heat.svg");
        plot("heatmap", CliRun.adapter("gpt2-tigrinya").toString(), "--measure", "stable-rank", "-o", heat.toString());
        assertTrue(Files.readString(heat).contains("Stable rank of gpt2-tigrinya"));
        Path sim = dir.resolve("sim.svg");
        plot(
                "similarity",
                imdb(),
                emotion(),
                "--side",
                "output",
                "--module",
                "distilbert.transformer.layer.2.attention.q_lin",
                "-o",
                sim.toString());
        String s = Files.readString(sim);
        assertTrue(
                s.contains("output singular vectors") && s.contains("distilbert.transformer.layer.2.attention.q_lin"));
        assertTrue(s.contains("random subspaces: φ ≈ max(i, j)/n"), "the baseline is in the subtitle");
        Path fixed = dir.resolve("sim-fixed.svg");
        plot(
                "similarity",
                imdb(),
                emotion(),
                "--side",
                "output",
                "--module",
                "distilbert.transformer.layer.2.attention.q_lin",
                "--fixed-range",
                "-o",
                fixed.toString());
        assertNotEquals(s, Files.readString(fixed), "--fixed-range colours the same grid on [0, 1]");
        Path inter = dir.resolve("inter.svg");
        plot("interference", imdb(), emotion(), "-o", inter.toString());
        assertTrue(Files.readString(inter).contains("sign-conflict share"));
    }

    @Test
    void usageMistakesNameTheOption() {
        CliRun ext =
                CliRun.of("plot", "spectrum", imdb(), "-o", dir.resolve("x.jpg").toString());
        assertEquals(ExitCodes.USAGE, ext.status());
        assertTrue(ext.err().contains("expected a file name ending in .svg, .png or .html, found .jpg"), ext.err());
        assertFalse(Files.exists(dir.resolve("x.jpg")));
        CliRun measure = CliRun.of(
                "plot",
                "heatmap",
                imdb(),
                "--measure",
                "rankness",
                "-o",
                dir.resolve("h.svg").toString());
        assertEquals(ExitCodes.USAGE, measure.status());
        assertTrue(measure.err().contains("effective-rank"), measure.err());
        CliRun kind = CliRun.of("plot");
        assertEquals(ExitCodes.USAGE, kind.status());
        assertTrue(kind.err().contains("spectrum, heatmap, similarity, interference, intruders"), kind.err());
        CliRun missing = CliRun.of("plot", "spectrum", imdb());
        assertEquals(ExitCodes.USAGE, missing.status());
        assertTrue(missing.err().contains("--output"), missing.err());
    }

    @Test
    void badInputIsReportedByName() {
        CliRun run = CliRun.of(
                "plot",
                "similarity",
                imdb(),
                CliRun.adapter("gpt2-tigrinya").toString(),
                "-o",
                dir.resolve("s.svg").toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertTrue(run.err().startsWith("lora: error: ") && run.err().contains("gpt2-tigrinya"), run.err());
    }
}
