package org.loralgebra.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Writes that never leave a partial result: content goes to a temporary sibling which is renamed into
 * place only when it is complete. A failed write removes its temporary and leaves the target as it was.
 */
public final class AtomicWrites {
    private AtomicWrites() {
    }

    /** Something that writes a file or folder at the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * Writes a file atomically: {@code writer} fills a temporary file next to {@code target}, which then
     * replaces {@code target}.
     */
    public static void writeFile(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path tmp = sibling(abs, ".tmp-");
        try {
            Files.createDirectories(abs.getParent());
            writer.writeTo(tmp);
            move(tmp, abs);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Writes a folder atomically: {@code writer} fills a fresh temporary folder next to {@code target},
     * which then takes the place of {@code target}. An existing target folder is replaced only after the new
     * one is complete.
     */
    public static void writeFolder(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path tmp = sibling(abs, ".tmp-");
        try {
            Files.createDirectories(abs.getParent());
            Files.createDirectory(tmp);
            writer.writeTo(tmp);
            if (Files.exists(abs)) {
                if (!Files.isDirectory(abs)) {
                    throw new IOException(target + " exists and is not a folder");
                }
                Path old = sibling(abs, ".old-");
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
                    throw e;
                }
                deleteRecursively(old);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            deleteRecursivelyQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteRecursivelyQuietly(tmp);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path sibling(Path target, String infix) {
        return target.resolveSibling("." + target.getFileName() + infix + UUID.randomUUID().toString().substring(0, 8));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the temporary is hidden and named as such
        }
    }

    private static void deleteRecursivelyQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
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
