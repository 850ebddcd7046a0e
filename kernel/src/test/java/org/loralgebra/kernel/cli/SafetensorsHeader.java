package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a safetensors file, read straight from its header by this test code (8-byte little-endian length,
 * then JSON), independently of the project's reader: name to shape.
 */
final class SafetensorsHeader {
    private SafetensorsHeader() {}

    static Map<String, long[]> shapes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            long length = ByteBuffer.wrap(in.readNBytes(8))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            ObjectNode header = (ObjectNode) new ObjectMapper().readTree(in.readNBytes(Math.toIntExact(length)));
            Map<String, long[]> shapes = new LinkedHashMap<>();
            header.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("__metadata__")) {
                    JsonNode shape = e.getValue().get("shape");
                    long[] dims = new long[shape.size()];
                    for (int i = 0; i < dims.length; i++) {
                        dims[i] = shape.get(i).asLong();
                    }
                    shapes.put(e.getKey(), dims);
                }
            });
            return shapes;
        }
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
