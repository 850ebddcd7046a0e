package org.loralgebra.io.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.format.Formats;

/**
 * A write killed at the worst instant, for real: a child JVM halts between the two renames of a folder replace (or
 * before any rename), and the next write or read of the target recovers the old folder and removes the leftovers.
 */
class AtomicWritesCrashTest {
    @TempDir
    Path tmp;

    private static int runChild(Path target, String when) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        InterruptedWrite.class.getName(),
                        target.toString(),
                        when)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finished");
        return p.exitValue();
    }

    private Path oldAdapter() {
        Path target = tmp.resolve("out");
        TestFiles.write(target.resolve("adapter_config.json"), "{\"r\": 8}");
        TestFiles.write(target.resolve("adapter_model.safetensors"), "old weights");
        return target;
    }

    @Test
    void killedBetweenTheRenamesTheNextWriteRestoresThenReplaces() throws Exception {
        Path target = oldAdapter();
        String before = TestFiles.checksum(target);
        assertEquals(137, runChild(target, "between"));
        // the crash window: the old folder aside, the new one complete, OUT itself absent
        assertFalse(Files.exists(target), "the child halted between the renames: " + TestFiles.listing(tmp));
        List<String> left = TestFiles.listing(tmp);
        assertEquals(2, left.size(), left.toString());
        assertTrue(
                left.stream().anyMatch(n -> n.startsWith(".out.old-"))
                        && left.stream().anyMatch(n -> n.startsWith(".out.tmp-")),
                left.toString());

        assertTrue(AtomicWrites.recover(target), "the old folder was restored");
        assertEquals(before, TestFiles.checksum(target), "restored byte for byte");
        assertEquals(List.of("out"), TestFiles.listing(tmp), "leftovers removed");

        assertEquals(137, runChild(target, "between"));
        AtomicWrites.writeFolder(target, t -> Files.writeString(t.resolve("newer.txt"), "newer"));
        assertEquals(List.of("newer.txt"), TestFiles.listing(target));
        assertEquals(List.of("out"), TestFiles.listing(tmp), "the next write recovered and cleaned first");
    }

    @Test
    void killedBeforeAnyRenameTheTargetIsUntouchedAndTheTemporaryGoesOnTheNextWrite() throws Exception {
        Path target = oldAdapter();
        String before = TestFiles.checksum(target);
        assertEquals(137, runChild(target, "written"));
        assertEquals(before, TestFiles.checksum(target));
        assertEquals(2, TestFiles.listing(tmp).size(), TestFiles.listing(tmp).toString());
        assertFalse(AtomicWrites.recover(target), "nothing to restore: OUT is there");
        assertEquals(List.of("out"), TestFiles.listing(tmp));
    }

    @Test
    void aReadOfTheTargetRecoversIt() throws Exception {
        Path target = tmp.resolve("adapter");
        TestFiles.copyFolder(Path.of("../examples/adapters/distilbert-imdb"), target);
        assertEquals(137, runChild(target, "between"));
        assertFalse(Files.exists(target));
        assertEquals(
                12,
                Formats.open(target, LoadOptions.defaults()).type().modules().size(),
                "the read restored the adapter");
        assertEquals(List.of("adapter"), TestFiles.listing(tmp));
    }

    @Test
    void leftoversOfALiveProcessAreLeftAlone() throws IOException {
        Path target = oldAdapter();
        Path live = Files.createDirectory(
                tmp.resolve(".out.tmp-" + ProcessHandle.current().pid() + "-0123abcd"));
        Path dead = Files.createDirectory(tmp.resolve(".out.tmp-" + Integer.MAX_VALUE + "-0123abcd"));
        Path foreign = Files.createDirectory(tmp.resolve(".out.tmp-notes"));
        AtomicWrites.recover(target);
        assertTrue(Files.exists(live), "a concurrent write in progress");
        assertFalse(Files.exists(dead), "pid " + Integer.MAX_VALUE + " is not running");
        assertTrue(Files.exists(foreign), "not a name this class writes");
    }
}
