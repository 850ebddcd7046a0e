package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.loralgebra.Lora;
import org.loralgebra.io.TestFiles;

/**
 * Every writing verb checks its output before computing and destroys nothing: an existing output is replaced only
 * with {@code --overwrite} (exit 2 and the output untouched without it), {@code -o .} inside an adapter folder and
 * an input as output are refused, and the operating system's reason is given.
 */
class OutputSafetyCommandTest {
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");

    @TempDir
    Path tmp;

    /** Each writing verb with its arguments; OUT stands for the output. */
    static Stream<Arguments> writingVerbs() {
        return Stream.of(
                Arguments.of((Object)
                        new String[] {"merge", "--method", "cat", IMDB.toString(), EMOTION.toString(), "-o", "OUT"}),
                Arguments.of((Object)
                        new String[] {"cluster", "--k", "2", IMDB.toString(), EMOTION.toString(), "-o", "OUT"}),
                Arguments.of((Object) new String[] {"squeeze", IMDB.toString(), "--rank", "2", "-o", "OUT"}),
                Arguments.of((Object)
                        new String[] {"orthogonalize", IMDB.toString(), "--against", EMOTION.toString(), "-o", "OUT"}),
                Arguments.of((Object) new String[] {
                    "unlearn", "--forget", IMDB.toString(), "--retain", EMOTION.toString(), "-o", "OUT"
                }));
    }

    private static String[] with(String[] args, Path out, String... more) {
        List<String> a = new ArrayList<>();
        for (String s : args) {
            a.add(s.equals("OUT") ? out.toString() : s);
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest
    @MethodSource("writingVerbs")
    void anExistingAdapterIsReplacedOnlyWithOverwrite(String[] args) {
        Path out = tmp.resolve("out");
        Lora.load(IMDB).select("v_lin").save(out.toString());
        String before = TestFiles.checksum(out);
        CliRun refused = CliRun.of(with(args, out));
        assertEquals(ExitCodes.INPUT, refused.status(), refused.err());
        assertTrue(
                refused.err().contains("exists and holds an adapter")
                        && refused.err().contains("--overwrite"),
                refused.err());
        assertFalse(refused.err().contains("at org."), "no stack trace: " + refused.err());
        assertEquals(before, TestFiles.checksum(out), "untouched");

        CliRun replaced = CliRun.of(with(args, out, "--overwrite"));
        assertEquals(0, replaced.status(), replaced.err());
        assertFalse(before.equals(TestFiles.checksum(out)), "replaced");
        assertEquals(List.of("out"), TestFiles.listing(tmp), "no leftovers beside it");
    }

    @Test
    void aSingleFileOutputIsCheckedAsAFileAndReplacedOnlyWithOverwrite() {
        Path diffusers = CliRun.adapter("sd-unet-diffusers-faithsang").resolve("pytorch_lora_weights.safetensors");
        Path out = tmp.resolve("small.safetensors");
        CliRun first = CliRun.of("squeeze", diffusers.toString(), "--rank", "2", "-o", out.toString());
        assertEquals(0, first.status(), first.err());
        assertTrue(Files.isRegularFile(out), "a diffusers input is written back as one file");
        String before = TestFiles.checksum(out);
        CliRun refused = CliRun.of("squeeze", diffusers.toString(), "--rank", "1", "-o", out.toString());
        assertEquals(ExitCodes.INPUT, refused.status(), refused.err());
        assertTrue(refused.err().contains("exists; replacing it needs --overwrite"), refused.err());
        assertEquals(before, TestFiles.checksum(out), "untouched");
        CliRun replaced =
                CliRun.of("squeeze", diffusers.toString(), "--rank", "1", "-o", out.toString(), "--overwrite");
        assertEquals(0, replaced.status(), replaced.err());
        assertFalse(before.equals(TestFiles.checksum(out)), "replaced");
        assertEquals(List.of("small.safetensors"), TestFiles.listing(tmp), "no leftovers beside it");
    }

    @ParameterizedTest
    @MethodSource("writingVerbs")
    void anInputIsNeverTheOutput(String[] args) {
        Path copy = TestFiles.copyFolder(IMDB, tmp.resolve("imdb"));
        String before = TestFiles.checksum(copy);
        List<String> a = new ArrayList<>();
        for (String s : with(args, copy, "--overwrite")) {
            a.add(s.equals(IMDB.toString()) ? copy.toString() : s);
        }
        CliRun run = CliRun.of(a.toArray(String[]::new));
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(run.err().contains("input"), run.err());
        assertEquals(before, TestFiles.checksum(copy));
    }

    @Test
    void squeezeWithOutputDotInsideTheAdapterFolderDestroysNothing() throws Exception {
        Path copy = TestFiles.copyFolder(IMDB, tmp.resolve("imdb"));
        String before = TestFiles.checksum(copy);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "squeeze",
                        ".",
                        "--rank",
                        "4",
                        "-o",
                        ".",
                        "--overwrite")
                .directory(copy.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCodes.INPUT, p.exitValue(), output);
        assertTrue(output.contains("working directory"), output);
        assertEquals(before, TestFiles.checksum(copy), "the folder the user is in is untouched");
        assertEquals(List.of("imdb"), TestFiles.listing(tmp));
    }

    @Test
    void plotsAndRoutesNeedOverwriteToo() throws IOException {
        Path svg = Files.writeString(tmp.resolve("s.svg"), "<svg/>");
        CliRun plot = CliRun.of("plot", "spectrum", IMDB.toString(), "-o", svg.toString());
        assertEquals(ExitCodes.INPUT, plot.status(), plot.err());
        assertEquals("<svg/>", Files.readString(svg));
        CliRun again = CliRun.of("plot", "spectrum", IMDB.toString(), "-o", svg.toString(), "--overwrite");
        assertEquals(0, again.status(), again.err());
        assertTrue(Files.readString(svg).length() > 100, "the replaced SVG: " + Files.readString(svg));
    }

    @Test
    void theOperatingSystemsReasonIsGiven() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        CliRun notDir = CliRun.of(
                "squeeze",
                IMDB.toString(),
                "--rank",
                "2",
                "-o",
                file.resolve("out").toString());
        assertEquals(ExitCodes.INPUT, notDir.status(), notDir.err());
        assertTrue(notDir.err().contains("Not a directory"), notDir.err());
        boolean refusedThere;
        try {
            Files.delete(Files.createDirectory(Path.of("/sys/lora-probe")));
            refusedThere = false;
        } catch (IOException e) {
            refusedThere = Files.isDirectory(Path.of("/sys"));
        }
        assumeTrue(refusedThere, "needs a folder where creating an entry fails (/sys)");
        CliRun sys = CliRun.of("merge", IMDB.toString(), EMOTION.toString(), "-o", "/sys/merged");
        assertEquals(ExitCodes.INPUT, sys.status(), sys.err());
        assertTrue(sys.err().contains("Operation not permitted"), sys.err());
    }

    @Test
    void aNonFiniteAlphaIsAUsageError() {
        for (String alpha : new String[] {"NaN", "Infinity", "-Infinity"}) {
            CliRun run = CliRun.of(
                    "squeeze",
                    IMDB.toString(),
                    "--rank",
                    "2",
                    "--alpha",
                    alpha,
                    "-o",
                    tmp.resolve("x").toString());
            assertEquals(ExitCodes.USAGE, run.status(), run.err());
            assertTrue(run.err().contains("--alpha"), run.err());
            CliRun inspect = CliRun.of("inspect", IMDB.toString(), "--alpha", alpha);
            assertEquals(ExitCodes.USAGE, inspect.status(), inspect.err());
        }
    }
}
