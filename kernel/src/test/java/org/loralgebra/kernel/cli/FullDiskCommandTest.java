package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.TestFiles;

/**
 * A disk that fills up while an output is written — a real one: a small tmpfs mounted for the test (where the test
 * may mount, as root in CI; skipped saying so elsewhere). Every writing verb stops with exit 2 and the operating
 * system's reason, naming what it was writing, and leaves nothing on the disk; an output being replaced with
 * {@code --overwrite} is still there, byte for byte.
 */
class FullDiskCommandTest {
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");

    @TempDir
    Path tmp;

    private Path disk;

    /** A tmpfs of {@code size} (mount's syntax, e.g. 64k) at {@code tmp/disk}; the test is skipped where none mounts. */
    private Path mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes());
        boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here (needs root): " + said.strip());
        disk = dir;
        return dir;
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        if (disk != null) {
            Process p = new ProcessBuilder("umount", disk.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "umount " + disk);
        }
    }

    @Test
    void everyWritingVerbStopsWithTheReasonAndLeavesNothing() throws Exception {
        Path full = mount("64k");
        List<String[]> verbs = OutputSafetyCommandTest.writingVerbs()
                .map(a -> (String[]) a.get()[0])
                .toList();
        for (String[] args : verbs) {
            Path out = full.resolve("out-" + args[0]);
            CliRun run = CliRun.of(with(args, out));
            String what = "lora " + args[0] + ": exit " + run.status() + ", " + run.err();
            assertEquals(ExitCodes.INPUT, run.status(), what);
            assertTrue(
                    run.err().contains("No space left on device")
                            && run.err().contains(out.getFileName().toString()),
                    what);
            assertFalse(run.err().contains("at org."), "no stack trace: " + what);
            assertEquals(List.of(), TestFiles.listing(full), "nothing left on the disk after " + what);
        }
    }

    @Test
    void anOutputBeingReplacedSurvivesTheFullDisk() throws Exception {
        Path full = mount("3m");
        Path out = full.resolve("out");
        // rank 1 fits beside its 2.4 MB of heads; rank 8 cannot be written while the old output still stands
        CliRun first = CliRun.of("squeeze", IMDB.toString(), "--rank", "1", "-o", out.toString());
        assertEquals(0, first.status(), first.err());
        String before = TestFiles.checksum(out);
        CliRun replace = CliRun.of("squeeze", IMDB.toString(), "--rank", "8", "-o", out.toString(), "--overwrite");
        assertEquals(ExitCodes.INPUT, replace.status(), replace.err());
        assertTrue(replace.err().contains("No space left on device"), replace.err());
        assertEquals(before, TestFiles.checksum(out), "the old output, byte for byte");
        assertEquals(List.of("out"), TestFiles.listing(full), "no temporary folder left beside it");
    }

    private static String[] with(String[] args, Path out) {
        List<String> a = new ArrayList<>();
        for (String s : args) {
            a.add(s.equals("OUT") ? out.toString() : s);
        }
        return a.toArray(String[]::new);
    }
}
