package org.loralgebra.io.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes that never leave a partial result and survive a crash at any instant: content goes to a hidden temporary
 * sibling ({@code .OUT.tmp-PID-XXXXXXXX}), every file and folder of it is synced to disk, and it is renamed into
 * place only when complete; each rename is followed by a sync of the parent folder.
 *
 * <p>A folder that exists is replaced in two renames: the old one aside ({@code .OUT.old-PID-XXXXXXXX}), then the
 * new one in. A process killed between them leaves OUT absent and the complete old folder beside it; the next
 * write to OUT, and the next read of it through {@code Formats.open}, first {@link #recover recovers}: the old
 * folder is renamed back when OUT is absent, and the leftovers of processes no longer running are removed (those
 * of a live process, a concurrent write, are left alone). A file is replaced by one rename, which is atomic.
 */
public final class AtomicWrites {
    private static final String TMP = "tmp";
    private static final String OLD = "old";

    /** Called between the two renames of a folder replace with the target; a test halts the process there. */
    static volatile Consumer<Path> betweenRenames = p -> {};

    private AtomicWrites() {}

    /** Something that writes a file or folder at the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * Writes a file atomically: {@code writer} fills a temporary file next to {@code target}, which is synced and
     * then replaces {@code target} in one rename; the folder is synced after it.
     */
    public static void writeFile(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path tmp = sibling(abs, TMP);
        try {
            Files.createDirectories(abs.getParent());
            recover(abs);
            writer.writeTo(tmp);
            syncFile(tmp);
            move(tmp, abs);
            syncDirectory(abs.getParent());
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Writes a folder atomically: {@code writer} fills a fresh temporary folder next to {@code target}, whose every
     * file and folder is synced; it then takes the place of {@code target}. An existing target folder is replaced
     * only after the new one is complete.
     */
    public static void writeFolder(Path target, Writer writer) {
        try (PendingFolder pending = PendingFolder.open(target)) {
            try {
                writer.writeTo(pending.path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
            pending.commit();
        }
    }

    /**
     * The second half of {@link #writeFolder}: syncs every file and folder of the complete temporary folder
     * {@code tmp}, then puts it in the place of {@code target} (an existing target folder aside first, removed once
     * the new one is in).
     */
    static void replaceFolder(Path target, Path tmp) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        syncTree(tmp);
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) {
                throw new IOException(target + " exists and is not a folder");
            }
            Path old = sibling(abs, OLD);
            Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(parent);
            betweenRenames.accept(abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(parent);
                throw e;
            }
            syncDirectory(parent);
            deleteRecursively(old);
        } else {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(parent);
        }
    }

    /**
     * Repairs what an interrupted write to {@code target} left: when {@code target} is absent and an old version set
     * aside by a process that is no longer running is there, that version is renamed back (the newest if several);
     * then every remaining temporary or old sibling of a process no longer running is removed.
     *
     * @return whether an old version was restored
     * @throws UncheckedIOException when a leftover cannot be renamed or removed
     */
    public static boolean recover(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null || !Files.isDirectory(parent)) {
            return false;
        }
        try {
            List<Path> dead = leftovers(abs);
            boolean restored = false;
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                Path newestOld = dead.stream()
                        .filter(p -> kind(abs, p).equals(OLD))
                        .max(Comparator.comparing(AtomicWrites::modified))
                        .orElse(null);
                if (newestOld != null) {
                    Files.move(newestOld, abs, StandardCopyOption.ATOMIC_MOVE);
                    syncDirectory(parent);
                    dead.remove(newestOld);
                    restored = true;
                }
            }
            for (Path p : dead) {
                deleteRecursively(p);
            }
            if (!dead.isEmpty()) {
                syncDirectory(parent);
            }
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot recover what an interrupted write left beside " + target + ": " + e.getMessage(), e);
        }
    }

    /** The hidden siblings of {@code target} written by processes that are no longer running. */
    private static List<Path> leftovers(Path target) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(target.getParent())) {
            entries.forEach(p -> {
                Matcher m = leftoverName(target).matcher(p.getFileName().toString());
                if (m.matches() && !running(m.group(2))) {
                    out.add(p);
                }
            });
        }
        return out;
    }

    private static Pattern leftoverName(Path target) {
        return Pattern.compile("\\." + Pattern.quote(target.getFileName().toString()) + "\\.(" + TMP + "|" + OLD
                + ")-(\\d+)-[0-9a-f]{8}");
    }

    private static String kind(Path target, Path leftover) {
        Matcher m = leftoverName(target).matcher(leftover.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    private static boolean running(String pid) {
        try {
            long id = Long.parseLong(pid);
            return id == ProcessHandle.current().pid()
                    || ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A fresh hidden temporary sibling of {@code target}, named for this process. */
    static Path temporarySibling(Path target) {
        return sibling(target, TMP);
    }

    private static Path sibling(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + "." + kind + "-"
                + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Forces a file's content and metadata to disk. */
    static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Forces a folder's entries (creations, renames) to disk. A file system that cannot sync a folder (the call is
     * refused) is left as it is: there is nothing more to do on it.
     */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here (some platforms refuse to open or sync a directory)
        }
    }

    /** Syncs every regular file under {@code root}, then every folder, deepest first. */
    private static void syncTree(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    syncFile(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                dirs.add(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        dirs.forEach(AtomicWrites::syncDirectory);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the temporary is hidden, and the next write to the target removes it
        }
    }

    static void deleteRecursivelyQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // best effort: the next write to the target removes it
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
