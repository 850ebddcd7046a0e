package org.loralgebra.exec.nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Passing self-check verdicts, one small file per {@link BlasCheckKey} in the user's cache directory
 * ({@code $XDG_CACHE_HOME/loralgebra/}, else {@code ~/.cache/loralgebra/}). Only passes are ever recorded. Nothing
 * here throws: an entry that is missing, unreadable or not exactly what a pass under this key writes reads as "no
 * verdict", and a directory that cannot be written is skipped — the check then simply runs.
 */
final class BlasVerdictCache {
    private static final String HEADER = "LoRAlgebra BLAS/LAPACK self-check verdict";

    private final Path directory;

    BlasVerdictCache(Path directory) {
        this.directory = directory;
    }

    /** The user's cache, or empty where no home or cache directory is known. */
    static Optional<BlasVerdictCache> user() {
        return directory(System.getenv(), System.getProperty("user.home")).map(BlasVerdictCache::new);
    }

    /** {@code $XDG_CACHE_HOME/loralgebra} when that is an absolute path (as the XDG spec asks), else {@code home/.cache/loralgebra}. */
    static Optional<Path> directory(Map<String, String> env, String home) {
        try {
            String xdg = env.get("XDG_CACHE_HOME");
            if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
                return Optional.of(Path.of(xdg, "loralgebra"));
            }
            if (home != null && !home.isBlank() && !home.equals("?")) {
                return Optional.of(Path.of(home, ".cache", "loralgebra"));
            }
        } catch (RuntimeException e) {
            // an invalid path: no cache
        }
        return Optional.empty();
    }

    /** The file holding the verdict for {@code key}. */
    Path entry(BlasCheckKey key) {
        return directory.resolve("blas-self-check-" + key.digest() + ".txt");
    }

    /** The number of measurements of a recorded pass under exactly this key, or empty (no, or no valid, entry). */
    OptionalInt pass(BlasCheckKey key) {
        try {
            String text = Files.readString(entry(key), StandardCharsets.UTF_8);
            String prefix = content(key, 0);
            prefix = prefix.substring(0, prefix.lastIndexOf("measurements: "));
            if (!text.startsWith(prefix) || !text.endsWith("\n")) {
                return OptionalInt.empty();
            }
            String rest = text.substring(prefix.length(), text.length() - 1);
            if (!rest.startsWith("measurements: ")) {
                return OptionalInt.empty();
            }
            int measurements = Integer.parseInt(rest.substring("measurements: ".length()));
            return measurements > 0 ? OptionalInt.of(measurements) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Records a pass under {@code key}: written to a temporary file, forced to disk, then moved over the entry, so a
     * reader sees the old entry or the new one, never part of one.
     *
     * @return whether the entry was written (false, and nothing thrown, where the directory cannot be written)
     */
    boolean recordPass(BlasCheckKey key, int measurements) {
        Path tmp = null;
        try {
            Files.createDirectories(directory);
            tmp = Files.createTempFile(directory, ".blas-self-check-", ".tmp");
            try (FileChannel out =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content(key, measurements).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Path target = entry(key);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            forceDirectory();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException e) {
                    // left behind in the cache directory; harmless
                }
            }
        }
    }

    /** Removes the entry for {@code key}, if any (a pass that a later run under the same key contradicted). */
    void forget(BlasCheckKey key) {
        try {
            Files.deleteIfExists(entry(key));
        } catch (IOException | RuntimeException e) {
            // it stays; every process that reads it skips the check, as before this run
        }
    }

    /** The move itself made durable (where the file system lets a directory be forced). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported here: the entry is written, the rename may be lost in a crash and the check re-run
        }
    }

    private static String content(BlasCheckKey key, int measurements) {
        return HEADER + "\nkey: " + key.digest() + "\n" + key.canonical() + "verdict: PASS\nmeasurements: "
                + measurements + "\n";
    }
}
