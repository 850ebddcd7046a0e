package org.loralgebra.io.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.TestFiles;

/** Writes appear whole or not at all; a failed write leaves the old target and no temporary. */
class AtomicWritesTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderIsReplacedOnlyWhenTheNewOneIsComplete() throws IOException {
        Path target = tmp.resolve("out");
        TestFiles.write(target.resolve("old.txt"), "old");
        assertThrows(
                IllegalStateException.class,
                () -> AtomicWrites.writeFolder(target, t -> {
                    Files.writeString(t.resolve("half.txt"), "half");
                    throw new IllegalStateException("failed midway");
                }));
        assertEquals(List.of("old.txt"), TestFiles.listing(target));
        assertThrows(
                UncheckedIOException.class,
                () -> AtomicWrites.writeFolder(target, t -> {
                    throw new IOException("disk full");
                }));
        assertEquals(List.of("out"), TestFiles.listing(tmp), "no temporary folder left");
        AtomicWrites.writeFolder(target, t -> Files.writeString(t.resolve("new.txt"), "new"));
        assertEquals(List.of("new.txt"), TestFiles.listing(target));
        assertEquals(List.of("out"), TestFiles.listing(tmp), "the old folder is gone too");
    }

    @Test
    void aFileIsReplacedOnlyWhenTheNewOneIsComplete() throws IOException {
        Path target = TestFiles.write(tmp.resolve("f.txt"), "old");
        assertThrows(
                UncheckedIOException.class,
                () -> AtomicWrites.writeFile(target, t -> {
                    Files.writeString(t, "partial");
                    throw new IOException("interrupted");
                }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("f.txt"), TestFiles.listing(tmp));
        AtomicWrites.writeFile(target, t -> Files.writeString(t, "new"));
        assertEquals("new", Files.readString(target));
    }

    @Test
    void aFolderTargetThatIsAFileIsRefused() {
        Path file = TestFiles.write(tmp.resolve("f"), "x");
        assertThrows(
                UncheckedIOException.class,
                () -> AtomicWrites.writeFolder(file, t -> Files.writeString(t.resolve("a"), "a")));
        assertEquals(List.of("f"), TestFiles.listing(tmp));
    }
}
