package org.loralgebra.io.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where every tensor of a safetensors file goes, decided from names, dtypes and shapes alone, as the reference
 * implementation decides it: tensors sorted by element size (largest first), then by name, so that each starts at a
 * multiple of its element size; header keys in data order with {@code __metadata__} first (left out when empty); the
 * JSON header padded with spaces to a multiple of 8 bytes. The same inputs give the same bytes, whatever order the
 * tensors are written in.
 */
public final class SafetensorsLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, TensorInfo> tensors;
    private final byte[] header;

    private SafetensorsLayout(Map<String, TensorInfo> tensors, byte[] header) {
        this.tensors = tensors;
        this.header = header;
    }

    /** The layout of a file holding {@code tensors} with {@code metadata} in {@code __metadata__}. */
    public static SafetensorsLayout of(Map<String, String> metadata, Map<String, TensorShape> tensors) {
        List<String> order = new ArrayList<>(new TreeMap<>(tensors).keySet());
        order.sort(Comparator.comparingInt((String n) -> -tensors.get(n).dtype().byteSize())); // stable: by name
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        long offset = 0;
        for (String name : order) {
            TensorShape t = tensors.get(name);
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            ArrayNode offsets = entry.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + t.byteSize());
            infos.put(name, new TensorInfo(name, t.dtype(), t.shape(), offset, offset + t.byteSize()));
            offset += t.byteSize();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        return new SafetensorsLayout(Collections.unmodifiableMap(infos), head.array());
    }

    /** The first bytes of the file: the header length, the JSON header and its padding. */
    public ByteBuffer header() {
        return ByteBuffer.wrap(header).asReadOnlyBuffer();
    }

    /** Where the data section starts: the header's size. */
    public long dataStart() {
        return header.length;
    }

    /** Size of the whole file in bytes. */
    public long fileSize() {
        long data = 0;
        for (TensorInfo t : tensors.values()) {
            data = Math.max(data, t.end());
        }
        return dataStart() + data;
    }

    /** Every tensor in data order, with its byte range relative to {@link #dataStart()}. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, if the layout has one. */
    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(tensors.get(name));
    }
}
