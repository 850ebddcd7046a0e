package org.loralgebra.io.files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.format.Formats;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;

/** Non-regular files and Git LFS pointers, made for real on disk, refused before they are read. */
class InputFilesTest {
    /** What {@code git lfs} leaves in a clone without the real file (the spec's three lines). */
    static final String POINTER = "version https://git-lfs.github.com/spec/v1\n"
            + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 2359296\n";

    static Path fifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(p.waitFor() == 0 && Files.exists(path), "mkfifo " + path);
        return path;
    }

    private static void assertMessage(AdapterFormatException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void aFifoNamedSafetensorsIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path f = fifo(dir.resolve("lora.safetensors"));
        AdapterFormatException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(AdapterFormatException.class, () -> Formats.open(f, LoadOptions.defaults())));
        assertMessage(e, "not a regular file", "FIFO", "safetensors");
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(AdapterFormatException.class, () -> SafetensorsFile.open(f)));
    }

    @Test
    void aFifoInAnAdapterFolderIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("adapter"));
        fifo(folder.resolve("adapter_model.safetensors"));
        Files.writeString(folder.resolve("adapter_config.json"), "{\"r\": 8}");
        AdapterFormatException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(AdapterFormatException.class, () -> Formats.open(folder, LoadOptions.defaults())));
        assertMessage(e, "adapter_model.safetensors", "FIFO");

        Path other = Files.createDirectory(dir.resolve("adapter2"));
        TestFiles.write(
                other.resolve("adapter_model.safetensors"),
                TestFiles.safetensors(
                        TestFiles.tensors(
                                "base_model.model.m.lora_A.weight", TestFiles.randomF32(1, 2, 3),
                                "base_model.model.m.lora_B.weight", TestFiles.randomF32(2, 4, 2)),
                        Map.of()));
        fifo(other.resolve("adapter_config.json"));
        e = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(AdapterFormatException.class, () -> Formats.open(other, LoadOptions.defaults())));
        assertMessage(e, "adapter_config.json", "FIFO", "JSON adapter config");
    }

    @Test
    void gitLfsPointersGetTheirOwnMessage(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("lora.safetensors"), POINTER);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> Formats.open(file, LoadOptions.defaults()));
        assertMessage(e, "a Git LFS pointer", "git lfs pull");
        assertFalse(e.getMessage().contains("exceeds"), "not reported as a huge header: " + e.getMessage());

        Path folder = Files.createDirectory(dir.resolve("adapter"));
        Files.writeString(folder.resolve("adapter_model.safetensors"), POINTER);
        Files.writeString(folder.resolve("adapter_config.json"), "{\"r\": 8}");
        assertMessage(
                assertThrows(AdapterFormatException.class, () -> Formats.open(folder, LoadOptions.defaults())),
                "adapter_model.safetensors",
                "Git LFS pointer",
                "git lfs pull");

        Path configPointer = Files.createDirectory(dir.resolve("adapter2"));
        TestFiles.write(
                configPointer.resolve("adapter_model.safetensors"),
                TestFiles.safetensors(
                        TestFiles.tensors(
                                "base_model.model.m.lora_A.weight", TestFiles.randomF32(1, 2, 3),
                                "base_model.model.m.lora_B.weight", TestFiles.randomF32(2, 4, 2)),
                        Map.of()));
        Files.writeString(configPointer.resolve("adapter_config.json"), POINTER);
        assertMessage(
                assertThrows(AdapterFormatException.class, () -> Formats.open(configPointer, LoadOptions.defaults())),
                "adapter_config.json",
                "Git LFS pointer",
                "JSON adapter config");
    }

    @Test
    void aShortTextThatIsNoPointerIsStillReportedAsAMalformedFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("x.safetensors"), "version 2 of something else");
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> SafetensorsFile.open(file));
        assertFalse(e.getMessage().contains("LFS"), e.getMessage());
    }
}
