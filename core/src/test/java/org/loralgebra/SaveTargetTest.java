package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.io.TestFiles;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.AdapterFormat;

/**
 * {@code save} checks its target before anything is computed (no module runs when it refuses), destroys nothing
 * (the working directory, its ancestors, the inputs and a non-adapter folder are refused; an existing adapter is
 * replaced only with {@link SaveOptions#withOverwrite}), and says why the operating system refused a write.
 */
class SaveTargetTest {
    private static final Path IMDB = Path.of("../examples/adapters/distilbert-imdb");

    @TempDir
    Path tmp;

    private final AtomicInteger started = new AtomicInteger();

    @AfterEach
    void noListener() {
        Lora.onProgress(null);
    }

    private Adapter squeezed() {
        Lora.onProgress(new ProgressListener() {
            @Override
            public void started(int modules) {
                started.incrementAndGet();
            }

            @Override
            public void progressed(int done, int total, String module) {}
        });
        return Lora.load(IMDB).select("q_lin").truncate(Rank.of(2));
    }

    private AdapterFormatException refused(Path target, SaveOptions options, String... fragments) {
        Adapter a = squeezed();
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> a.save(target, options));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        assertEquals(0, started.get(), "refused before any module ran");
        return e;
    }

    @Test
    void anExistingAdapterIsReplacedOnlyWithOverwrite() {
        Path out = tmp.resolve("out");
        Lora.load(IMDB).select("v_lin").save(out.toString());
        String before = TestFiles.checksum(out);
        refused(
                out,
                SaveOptions.defaults(),
                "exists and holds an adapter",
                "--overwrite",
                "SaveOptions.withOverwrite(true)");
        assertEquals(before, TestFiles.checksum(out), "the existing adapter is untouched");

        squeezed().save(out, SaveOptions.defaults().withOverwrite(true));
        assertNotEquals(before, TestFiles.checksum(out));
        assertEquals(
                2,
                Lora.load(out)
                        .module("distilbert.transformer.layer.0.attention.q_lin")
                        .rank());
        assertEquals(List.of("out"), TestFiles.listing(tmp), "no hidden leftovers");
    }

    @Test
    void anEmptyFolderIsNoAdapterAndNeedsNoOverwrite() throws IOException {
        Path out = Files.createDirectory(tmp.resolve("empty"));
        squeezed().save(out, SaveOptions.defaults());
        assertEquals(6, Lora.load(out).modules().size());
    }

    @Test
    void theWorkingDirectoryAndItsAncestorsAreRefused() {
        Path cwd = Path.of("").toAbsolutePath();
        refused(Path.of("."), SaveOptions.defaults().withOverwrite(true), "is the working directory");
        refused(Path.of(".."), SaveOptions.defaults().withOverwrite(true), "holds the working directory");
        refused(cwd.getRoot(), SaveOptions.defaults().withOverwrite(true), "holds the working directory");
        assertTrue(Files.isDirectory(cwd));
    }

    @Test
    void anInputOrAFolderHoldingOneIsRefused() {
        Path copy = TestFiles.copyFolder(IMDB, tmp.resolve("in/imdb"));
        String before = TestFiles.checksum(tmp.resolve("in"));
        Adapter a = Lora.load(copy).truncate(Rank.of(2));
        started.set(0);
        assertThrows(
                AdapterFormatException.class,
                () -> a.save(copy, SaveOptions.defaults().withOverwrite(true)));
        AdapterFormatException e = assertThrows(
                AdapterFormatException.class,
                () -> a.save(tmp.resolve("in"), SaveOptions.defaults().withOverwrite(true)));
        assertTrue(e.getMessage().contains("holds an input"), e.getMessage());
        assertEquals(before, TestFiles.checksum(tmp.resolve("in")));
    }

    @Test
    void aFolderOfOtherFilesIsNeverReplaced() {
        Path out = tmp.resolve("work");
        TestFiles.write(out.resolve("thesis.tex"), "months of work");
        refused(out, SaveOptions.defaults().withOverwrite(true), "not adapter files", "thesis.tex");
        assertEquals(List.of("thesis.tex"), TestFiles.listing(out));
    }

    @Test
    void theOperatingSystemsReasonIsGiven() throws IOException {
        Path file = TestFiles.write(tmp.resolve("a-file"), "x");
        refused(file.resolve("out"), SaveOptions.defaults(), "Not a directory");
        Path sys = Path.of("/sys");
        boolean refusedThere;
        try {
            Files.delete(Files.createDirectory(sys.resolve("lora-probe")));
            refusedThere = false;
        } catch (IOException e) {
            refusedThere = Files.isDirectory(sys);
        }
        assumeTrue(refusedThere, "needs a folder where creating an entry fails (/sys)");
        refused(sys.resolve("out"), SaveOptions.defaults(), "cannot be written", "Operation not permitted");
    }

    @Test
    void aKohyaFileTargetNeedsOverwriteToo() {
        Path out = tmp.resolve("lora.safetensors");
        squeezed().save(out, SaveOptions.defaults().withFormat(AdapterFormat.KOHYA));
        String before = TestFiles.checksum(tmp);
        started.set(0);
        refused(out, SaveOptions.defaults().withFormat(AdapterFormat.KOHYA), "exists", "--overwrite");
        assertEquals(before, TestFiles.checksum(tmp));
        squeezed()
                .save(
                        out,
                        SaveOptions.defaults().withFormat(AdapterFormat.KOHYA).withOverwrite(true));
    }
}
