package org.loralgebra.io.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.loralgebra.lang.AdapterFormatException;

/**
 * Checks a file before it is read as an adapter's weights or config: it must be a regular file (a FIFO named
 * {@code *.safetensors} would block the reader forever; a device or socket is no file to parse), and it must not
 * be a Git LFS pointer, the ~130-byte text a clone without {@code git lfs} leaves in place of the real file.
 */
public final class InputFiles {
    /** How every Git LFS pointer file starts. */
    public static final String LFS_POINTER_START = "version https://git-lfs.github.com/spec/v1";

    private static final int LFS_POINTER_MAX_BYTES = 1024;

    private InputFiles() {}

    /**
     * Refuses {@code file} (which must exist) unless it is a regular file holding real content.
     *
     * @param what what the file was expected to be, for the message ({@code "a safetensors file"})
     * @throws AdapterFormatException when it is a FIFO, socket, device or folder, or a Git LFS pointer
     */
    public static void checkReadable(Path file, String what) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class); // follows links, never opens the file
        } catch (NoSuchFileException e) {
            throw new AdapterFormatException(file, "no such file (expected " + what + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of " + file + ": " + e.getMessage(), e);
        }
        if (attrs.isDirectory()) {
            throw new AdapterFormatException(file, "is a folder, not " + what);
        }
        if (!attrs.isRegularFile()) {
            throw new AdapterFormatException(
                    file,
                    "is not a regular file but a FIFO, socket or device; expected " + what
                            + " (reading a FIFO would wait for a writer forever)");
        }
        if (attrs.size() <= LFS_POINTER_MAX_BYTES && isLfsPointer(file)) {
            throw new AdapterFormatException(
                    file,
                    "a Git LFS pointer (" + attrs.size() + " bytes of text), not " + what
                            + ": fetch the real file with `git lfs pull`");
        }
    }

    /** Whether the regular file {@code file} starts as a Git LFS pointer does. */
    public static boolean isLfsPointer(Path file) {
        byte[] start = LFS_POINTER_START.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(start.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill what there is
            }
        } catch (IOException e) {
            return false;
        }
        return !buf.hasRemaining() && ByteBuffer.wrap(start).equals(buf.flip());
    }
}
