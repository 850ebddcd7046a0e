package org.loralgebra.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rows of the hub's tables as JSON lines: one compact object per line, NaN and infinities written as {@code null},
 * doubles printed so that they read back to the same bits.
 */
public final class JsonRows {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonRows() {}

    /** A new object whose keys keep their order. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Puts {@code key: v}, or {@code key: null} when v is not finite; returns {@code o}. */
    public static ObjectNode put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
        return o;
    }

    /** The numbers as an array, {@code null} in place of each non-finite one. */
    public static ArrayNode array(double[] values) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
        return a;
    }

    /** The row as one line of compact JSON, without a newline. */
    public static String line(ObjectNode row) {
        try {
            return MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a JSON row: " + e.getOriginalMessage(), e);
        }
    }

    /** The error row of an adapter that could not be analysed: {@code {"adapter": path, "error": message}}. */
    public static String error(String adapter, String message) {
        ObjectNode o = object();
        o.put("adapter", adapter);
        o.put("error", message);
        return line(o);
    }
}
