package org.loralgebra.io.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Writes a safetensors file from tensors given one at a time, in any order, from any thread.
 *
 * <p>Each tensor's bytes are appended to a spool file as soon as they arrive, so a writer never holds more
 * than one tensor in memory. {@link #commit} lays the file out deterministically, whatever the arrival
 * order, as the reference implementation does: tensors sorted by element size (largest first), then by name, so
 * that every tensor starts at a multiple of its element size; header keys in data order with
 * {@code __metadata__} first; the header padded with spaces to a multiple of 8 bytes. The target appears only
 * when complete.
 */
public final class SafetensorsWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Spooled(DType dtype, long[] shape, long offset, long length) {}

    private final Map<String, String> metadata;
    private final Map<String, Spooled> spooled = new TreeMap<>();
    private final Path spoolPath;
    private final FileChannel spool;
    private long spoolSize;

    /** A writer whose file will carry {@code metadata} in {@code __metadata__}. */
    public SafetensorsWriter(Map<String, String> metadata) {
        this.metadata = new LinkedHashMap<>(metadata);
        try {
            this.spoolPath = Files.createTempFile("loralgebra-spool-", ".bin");
            this.spool = FileChannel.open(
                    spoolPath, StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool file: " + e.getMessage(), e);
        }
    }

    /** Writes {@code tensors} with {@code metadata} to {@code target} in one call. */
    public static void write(Path target, Map<String, String> metadata, Map<String, Tensor> tensors) {
        try (SafetensorsWriter w = new SafetensorsWriter(metadata)) {
            tensors.forEach(w::add);
            w.commit(target);
        }
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
        if (spooled.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        ByteBuffer bytes = tensor.bytes();
        long offset = spoolSize;
        try {
            while (bytes.hasRemaining()) {
                spoolSize += spool.write(bytes, spoolSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool tensor '" + name + "': " + e.getMessage(), e);
        }
        spooled.put(name, new Spooled(tensor.dtype(), tensor.shape(), offset, tensor.byteSize()));
    }

    /** Sets one {@code __metadata__} entry (replacing one of that key), for metadata known only once tensors are added. */
    public synchronized void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    /** Names of the tensors added so far. */
    public synchronized List<String> names() {
        return new ArrayList<>(spooled.keySet());
    }

    /** Lays out and writes the file atomically at {@code target}. */
    public synchronized void commit(Path target) {
        List<String> order = new ArrayList<>(spooled.keySet()); // sorted by name: a TreeMap
        order.sort(
                Comparator.comparingInt((String n) -> -spooled.get(n).dtype().byteSize())); // stable: names stay sorted
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (String name : order) {
            Spooled s = spooled.get(name);
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", s.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : s.shape()) {
                shape.add(d);
            }
            ArrayNode offsets = entry.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + s.length());
            offset += s.length();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicWrites.writeFile(target, tmp -> {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                while (head.hasRemaining()) {
                    out.write(head);
                }
                for (String name : order) {
                    Spooled s = spooled.get(name);
                    long done = 0;
                    while (done < s.length()) {
                        done += spool.transferTo(s.offset() + done, s.length() - done, out);
                    }
                }
                out.force(false);
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            spool.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(spoolPath);
            } catch (IOException ignored) {
                // DELETE_ON_CLOSE already removed it
            }
        }
    }
}
