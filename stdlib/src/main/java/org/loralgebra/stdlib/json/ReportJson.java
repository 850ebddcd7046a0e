package org.loralgebra.stdlib.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The JSON conventions of every result LoRAlgebra prints or writes (analyses, reports, {@code --json}):
 * <ul>
 * <li>keys in the order they are put (objects from {@link #object()});</li>
 * <li>numbers as Java prints a {@code double} ({@code 0.25}, {@code 1.0E-5}), integers without a fraction;</li>
 * <li>NaN and ±∞, which JSON cannot hold, as {@code null} ({@link #put}, {@link #array(double...)});</li>
 * <li>printed by {@link #text}: two-space indent, {@code "key" : value}, an array's elements on one line
 * ({@code [ 1.0, 2.0 ]}), objects in arrays opened on the same line; {@link #line} adds a final newline;
 * {@link #asciiLine} is the layout of {@code lora inspect --json} ({@code "key": value}, non-ASCII escaped).</li>
 * </ul>
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
    private static final ObjectWriter ASCII = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build()
            .writer(new ColonAfterKey());

    private ReportJson() {}

    /** A new object; its keys keep the order they are put in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new, empty array. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The numbers, {@code null} in place of each NaN or infinity. */
    public static ArrayNode array(double... values) {
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

    /** Puts {@code key: v}, or {@code key: null} when {@code v} is NaN or infinite; returns {@code o}. */
    public static ObjectNode put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
        return o;
    }

    /** A value (map, list, record, string, number) as a JSON tree, maps keeping their iteration order. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** {@code node} pretty printed (see the class comment), without a final newline. */
    public static String text(JsonNode node) {
        return write(PRETTY, node);
    }

    /** {@link #text} and a final newline: what a command prints. */
    public static String line(JsonNode node) {
        return text(node) + "\n";
    }

    /**
     * {@code node} pretty printed with {@code "key": value} (Python's {@code json.dumps(indent=2)} separator), every
     * non-ASCII character escaped as {@code \}{@code uXXXX}, and a final newline: {@code lora inspect --json}.
     */
    public static String asciiLine(JsonNode node) {
        return write(ASCII, node) + "\n";
    }

    private static String write(ObjectWriter writer, JsonNode node) {
        try {
            return writer.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a JSON tree: " + e.getOriginalMessage(), e);
        }
    }

    /** Jackson's default pretty printer with {@code ": "} instead of {@code " : "} between key and value. */
    private static final class ColonAfterKey extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new ColonAfterKey();
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
