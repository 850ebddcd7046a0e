package org.loralgebra.io.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Writes a safetensors file from tensors given one at a time, in any order, from any thread, in the deterministic
 * layout of {@link SafetensorsLayout} whatever the arrival order. The target appears only when complete.
 *
 * <p>Two ways in. <b>Spooled</b> (the default): each tensor's bytes are appended to a spool file as soon as they
 * arrive, so a writer never holds more than one tensor in memory; {@link #commit} lays the file out and copies the
 * spool into it. <b>Planned</b> ({@link #planInto}): when every tensor's name, dtype and shape are known before the
 * values are, the file is laid out first, created at its final size, and each tensor's bytes are written at their
 * offset as they arrive: no spool, no copy. A tensor the plan did not foresee (another shape, another name) or a
 * metadata change turns a planned writer back into a spooled one (what was written is moved to the spool), so the
 * result is the same file either way.
 */
public final class SafetensorsWriter implements AutoCloseable {
    private record Spooled(DType dtype, long[] shape, long offset, long length) {}

    private final Map<String, String> metadata;
    private final Map<String, Spooled> spooled = new TreeMap<>();
    private Path spoolPath;
    private FileChannel spool;
    private long spoolSize;

    private SafetensorsLayout layout;
    private Path directPath;
    private FileChannel direct;
    private final Map<String, TensorInfo> arrived = new HashMap<>();

    /** A writer whose file will carry {@code metadata} in {@code __metadata__}. */
    public SafetensorsWriter(Map<String, String> metadata) {
        this.metadata = new LinkedHashMap<>(metadata);
    }

    /** Writes {@code tensors} with {@code metadata} to {@code target} in one call. */
    public static void write(Path target, Map<String, String> metadata, Map<String, Tensor> tensors) {
        try (SafetensorsWriter w = new SafetensorsWriter(metadata)) {
            tensors.forEach(w::add);
            w.commit(target);
        }
    }

    /**
     * Lays the file out for the tensors added so far plus {@code expected}, creates {@code file} (which must not
     * exist: a file in a temporary folder that the caller syncs and renames into place, see
     * {@code PendingFolder}) at its final size with its header, and moves what was spooled into it. From then on a
     * tensor that matches the plan is written straight to its offset, and {@link #commit} to {@code file} has
     * nothing left to copy.
     *
     * @return false, leaving the writer spooled, when a tensor already added has a name in {@code expected} with
     *     another dtype or shape
     * @throws IllegalStateException when the writer is already planned
     */
    public synchronized boolean planInto(Path file, Map<String, TensorShape> expected) {
        if (layout != null) {
            throw new IllegalStateException("this writer is already laid out into " + directPath);
        }
        Map<String, TensorShape> all = new HashMap<>(expected);
        for (Map.Entry<String, Spooled> e : spooled.entrySet()) {
            TensorShape now = new TensorShape(e.getValue().dtype(), e.getValue().shape());
            if (!now.equals(all.getOrDefault(e.getKey(), now))) {
                return false;
            }
            all.put(e.getKey(), now);
        }
        SafetensorsLayout planned = SafetensorsLayout.of(metadata, all);
        Path path = file.toAbsolutePath().normalize();
        try {
            FileChannel ch = FileChannel.open(
                    path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
            layout = planned;
            direct = ch;
            directPath = path;
            writeFully(planned.header(), 0);
            if (planned.fileSize() > planned.dataStart()) {
                writeFully(ByteBuffer.allocate(1), planned.fileSize() - 1); // the final size; the rest is sparse
            }
            for (Map.Entry<String, Spooled> e : spooled.entrySet()) {
                TensorInfo info = planned.tensors().get(e.getKey());
                transfer(
                        spool,
                        e.getValue().offset(),
                        e.getValue().length(),
                        direct,
                        planned.dataStart() + info.begin());
                arrived.put(e.getKey(), info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path + ": " + e.getMessage(), e);
        }
        spooled.clear();
        closeSpool();
        return true;
    }

    /**
     * Adds a tensor.
     *
     * @throws IllegalArgumentException when a tensor of that name was already added
     */
    public synchronized void add(String name, Tensor tensor) {
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved for the metadata map, not a tensor name");
        }
        if (spooled.containsKey(name) || arrived.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        if (layout != null) {
            TensorInfo info = layout.tensors().get(name);
            if (info != null && new TensorShape(info.dtype(), info.shape()).matches(tensor)) {
                try {
                    writeFully(tensor.bytes(), layout.dataStart() + info.begin());
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write tensor '" + name + "' to " + directPath + ": " + e.getMessage(), e);
                }
                arrived.put(name, info);
                return;
            }
            unplan();
        }
        ByteBuffer bytes = tensor.bytes();
        long offset = spoolSize;
        try {
            FileChannel ch = spool();
            while (bytes.hasRemaining()) {
                spoolSize += ch.write(bytes, spoolSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool tensor '" + name + "': " + e.getMessage(), e);
        }
        spooled.put(name, new Spooled(tensor.dtype(), tensor.shape(), offset, tensor.byteSize()));
    }

    /** Sets one {@code __metadata__} entry (replacing one of that key), for metadata known only once tensors are added. */
    public synchronized void putMetadata(String key, String value) {
        if (layout != null && !Objects.equals(metadata.get(key), value)) {
            unplan(); // the header was written with the old metadata
        }
        metadata.put(key, value);
    }

    /** Names of the tensors added so far, sorted. */
    public synchronized List<String> names() {
        TreeSet<String> names = new TreeSet<>(spooled.keySet());
        names.addAll(arrived.keySet());
        return new ArrayList<>(names);
    }

    /** Whether tensors go straight to their offsets in a file laid out in advance ({@link #planInto}). */
    public synchronized boolean planned() {
        return layout != null;
    }

    /**
     * Writes the file at {@code target}. A planned writer whose every foreseen tensor arrived, committed to the file
     * it was laid out in, only closes it: that file is complete, and its caller syncs and renames it. Otherwise the
     * file is laid out from what was added and written atomically and durably.
     */
    public synchronized void commit(Path target) {
        if (layout != null) {
            if (target.toAbsolutePath().normalize().equals(directPath)
                    && arrived.keySet().equals(layout.tensors().keySet())) {
                try {
                    direct.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
                }
                direct = null;
                layout = null;
                directPath = null; // committed: close() leaves the file
                arrived.clear();
                return;
            }
            unplan();
        }
        Map<String, TensorShape> shapes = new HashMap<>();
        spooled.forEach((n, s) -> shapes.put(n, new TensorShape(s.dtype(), s.shape())));
        SafetensorsLayout out = SafetensorsLayout.of(metadata, shapes);
        AtomicWrites.writeFile(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer head = out.header();
                while (head.hasRemaining()) {
                    ch.write(head);
                }
                for (TensorInfo info : out.tensors().values()) {
                    Spooled s = spooled.get(info.name());
                    transfer(spool, s.offset(), s.length(), ch, out.dataStart() + info.begin());
                }
            } // AtomicWrites syncs it once
        });
    }

    /** Moves what was written to the planned file into the spool, removes that file, and goes on spooled. */
    private void unplan() {
        try {
            FileChannel ch = spool();
            for (String name : new TreeSet<>(arrived.keySet())) {
                TensorInfo info = arrived.get(name);
                transfer(direct, layout.dataStart() + info.begin(), info.byteSize(), ch, spoolSize);
                spooled.put(name, new Spooled(info.dtype(), info.shape(), spoolSize, info.byteSize()));
                spoolSize += info.byteSize();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot spool the tensors written to " + directPath + ": " + e.getMessage(), e);
        }
        arrived.clear();
        layout = null;
        closeDirect();
    }

    private FileChannel spool() throws IOException {
        if (spool == null) {
            spoolPath = Files.createTempFile("loralgebra-spool-", ".bin");
            spool = FileChannel.open(
                    spoolPath, StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
        }
        return spool;
    }

    private void writeFully(ByteBuffer bytes, long position) throws IOException {
        long pos = position;
        while (bytes.hasRemaining()) {
            pos += direct.write(bytes, pos);
        }
    }

    private static void transfer(FileChannel from, long position, long length, FileChannel to, long at)
            throws IOException {
        long done = 0;
        while (done < length) {
            long n = from.transferTo(position + done, length - done, to.position(at + done));
            if (n <= 0) {
                throw new IOException("short transfer at byte " + (position + done));
            }
            done += n;
        }
    }

    private void closeSpool() {
        if (spool == null) {
            return;
        }
        try {
            spool.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            spool = null;
            try {
                Files.deleteIfExists(spoolPath);
            } catch (IOException ignored) {
                // DELETE_ON_CLOSE already removed it
            }
        }
    }

    private void closeDirect() {
        if (direct == null) {
            return;
        }
        try {
            direct.close();
        } catch (IOException ignored) {
            // it is removed next
        } finally {
            direct = null;
            try {
                Files.deleteIfExists(directPath);
            } catch (IOException ignored) {
                // in a temporary folder its owner removes
            }
            directPath = null;
        }
    }

    /** Deletes the spool, and the planned file unless it was committed. */
    @Override
    public synchronized void close() {
        try {
            closeSpool();
        } finally {
            closeDirect();
        }
    }
}
