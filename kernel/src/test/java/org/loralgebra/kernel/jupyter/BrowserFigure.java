package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * What a person sees of one figure on an HTML page, measured with headless Chromium: the page is laid out once to find
 * the figure's box (a copy of the page with a script appended that reports the box of the element a JavaScript
 * expression names; {@code --dump-dom}), and shot once as it is ({@code --screenshot}, same window, scale 1); inside the
 * box, pixels that differ from the white page are counted.
 *
 * @param x left edge of the box in page pixels
 * @param y top edge of the box in page pixels
 * @param width width of the box
 * @param height height of the box
 * @param inked pixels inside the box whose darkest channel is below {@link #INK_THRESHOLD}
 */
record BrowserFigure(int x, int y, int width, int height, long inked) {
    /** A channel value below which a pixel counts as drawn (the page is white, 255). */
    static final int INK_THRESHOLD = 230;

    private static final int WINDOW_WIDTH = 1400;
    private static final int WINDOW_HEIGHT = 3000;
    private static final Pattern BOX = Pattern.compile("<pre id=\"loralgebra-figure-box\"[^>]*>([^<]*)</pre>");

    /** The share of the box's pixels that are drawn. */
    double inkedShare() {
        return width * (double) height == 0 ? 0 : inked / (width * (double) height);
    }

    /**
     * Measures the figure that {@code element} (a JavaScript expression giving a DOM element, e.g.
     * {@code document.querySelector('img')}) names on the page {@code html}; scratch files go to {@code work}.
     */
    static BrowserFigure measure(Path html, String element, Path work) throws Exception {
        Files.createDirectories(work);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        String probe = "<script>window.addEventListener('load', function () {"
                + " var e = " + element + ";"
                + " var r = e ? e.getBoundingClientRect() : {left: 0, top: 0, width: 0, height: 0};"
                + " var pre = document.createElement('pre'); pre.id = 'loralgebra-figure-box';"
                + " pre.style.position = 'absolute'; pre.style.left = '-9999px';"
                + " pre.textContent = [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height].join(' ');"
                + " document.body.appendChild(pre); });</script>";
        int end = page.lastIndexOf("</body>");
        assertTrue(end >= 0, html + " has no </body>");
        Path probed = html.resolveSibling(html.getFileName() + ".probe.html");
        Files.writeString(probed, page.substring(0, end) + probe + page.substring(end), StandardCharsets.UTF_8);
        String dom = chromium(List.of("--dump-dom", probed.toUri().toString()), work.resolve("dom.log"));
        Files.delete(probed);
        Matcher m = BOX.matcher(dom);
        assertTrue(
                m.find(),
                "Chromium's DOM of " + html + " has no figure box; its tail: "
                        + dom.substring(Math.max(0, dom.length() - 400)));
        String[] box = m.group(1).trim().split(" ");
        assertEquals(4, box.length, "figure box " + m.group(1));
        int x = (int) Math.floor(Double.parseDouble(box[0]));
        int y = (int) Math.floor(Double.parseDouble(box[1]));
        int w = (int) Math.ceil(Double.parseDouble(box[2]));
        int h = (int) Math.ceil(Double.parseDouble(box[3]));

        Path png = work.resolve(html.getFileName() + ".png");
        chromium(List.of("--screenshot=" + png, html.toUri().toString()), work.resolve("screenshot.log"));
        BufferedImage shot = ImageIO.read(png.toFile());
        assertTrue(shot != null, "Chromium wrote no PNG at " + png);
        assertEquals(WINDOW_WIDTH, shot.getWidth(), "screenshot width (device scale 1)");
        assertTrue(
                y + h <= shot.getHeight(),
                "figure box " + m.group(1) + " reaches below the " + shot.getHeight() + " px screenshot of " + html);
        long inked = 0;
        for (int j = Math.max(0, y); j < Math.min(shot.getHeight(), y + h); j++) {
            for (int i = Math.max(0, x); i < Math.min(shot.getWidth(), x + w); i++) {
                int rgb = shot.getRGB(i, j);
                int darkest = Math.min((rgb >> 16) & 0xFF, Math.min((rgb >> 8) & 0xFF, rgb & 0xFF));
                if (darkest < INK_THRESHOLD) {
                    inked++;
                }
            }
        }
        return new BrowserFigure(x, y, w, h, inked);
    }

    /** Runs headless Chromium with {@code args}; returns its standard output. */
    private static String chromium(List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT));
        command.addAll(args);
        Path out = log.resolveSibling(log.getFileName() + ".out");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("headless Chromium is not installed (`chromium` on the PATH; Debian: apt-get install chromium)"
                    + " or skip integration tests with -DskipITs: " + e.getMessage());
            return "";
        }
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " ran past 2 minutes");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + InstalledKernel.tail(log, 20));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
