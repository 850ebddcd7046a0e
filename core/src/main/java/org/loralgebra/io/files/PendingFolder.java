package org.loralgebra.io.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder write in progress, for writers that fill the result as its parts arrive instead of all at once (see
 * {@link AtomicWrites#writeFolder}, which is built on it): {@link #open} repairs what an interrupted write to the
 * target left and creates the hidden temporary sibling {@code .OUT.tmp-PID-XXXXXXXX}; the writer fills
 * {@link #path()}; {@link #commit} syncs every file and folder in it once and renames it into place (an existing
 * target replaced as {@link AtomicWrites} describes). {@link #close} without a commit removes the temporary folder:
 * nothing is left. A process killed before the commit leaves the temporary folder, which the next write or read of
 * the target removes.
 *
 * <pre>{@code
 * try (PendingFolder f = PendingFolder.open(out)) {
 *     Files.writeString(f.path().resolve("a.txt"), "…");
 *     f.commit();
 * }
 * }</pre>
 */
public final class PendingFolder implements AutoCloseable {
    private final Path target;
    private final Path path;
    private boolean done;

    private PendingFolder(Path target, Path path) {
        this.target = target;
        this.path = path;
    }

    /**
     * Starts a write of the folder {@code target}: recovers what an interrupted write left beside it, then creates
     * an empty temporary sibling.
     *
     * @throws UncheckedIOException naming the target when the temporary folder cannot be created
     */
    public static PendingFolder open(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path tmp = AtomicWrites.temporarySibling(abs);
        try {
            Files.createDirectories(abs.getParent());
            AtomicWrites.recover(abs);
            Files.createDirectory(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return new PendingFolder(abs, tmp);
    }

    /** The folder this write will replace or create (absolute, normalized). */
    public Path target() {
        return target;
    }

    /** The temporary folder to fill. */
    public Path path() {
        return path;
    }

    /**
     * Syncs every file and folder under {@link #path()} and renames it to {@link #target()}; once only.
     *
     * @throws UncheckedIOException naming the target when a sync or rename fails (the temporary folder is then
     *                              removed and an existing target is left as it was)
     * @throws IllegalStateException when already committed or closed
     */
    public void commit() {
        if (done) {
            throw new IllegalStateException("the write of " + target + " was already committed or closed");
        }
        done = true;
        try {
            AtomicWrites.replaceFolder(target, path);
        } catch (IOException e) {
            AtomicWrites.deleteRecursivelyQuietly(path);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            AtomicWrites.deleteRecursivelyQuietly(path);
            throw e;
        }
    }

    /** Removes the temporary folder unless it was committed. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            AtomicWrites.deleteRecursivelyQuietly(path);
        }
    }
}
