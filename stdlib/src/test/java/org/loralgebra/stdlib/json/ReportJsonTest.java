package org.loralgebra.stdlib.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place the JSON conventions of LoRAlgebra's results live: layout, key order, numbers, NaN. */
class ReportJsonTest {
    private static ObjectNode sample() {
        ObjectNode o = ReportJson.object();
        o.put("name", "q_lin");
        o.put("rank", 8);
        ReportJson.put(o, "scale", 0.25);
        ReportJson.put(o, "energy", Double.NaN);
        o.set("values", ReportJson.array(3.5, Double.POSITIVE_INFINITY, 1.0E-5));
        o.putArray("rows").addObject().put("k", 1);
        return o;
    }

    @Test
    void reportsArePrettyPrintedInInsertionOrderWithNullForNonFiniteNumbers() throws Exception {
        String expected = """
                {
                  "name" : "q_lin",
                  "rank" : 8,
                  "scale" : 0.25,
                  "energy" : null,
                  "values" : [ 3.5, null, 1.0E-5 ],
                  "rows" : [ {
                    "k" : 1
                  } ]
                }""";
        assertEquals(expected, ReportJson.text(sample()));
        assertEquals(expected + "\n", ReportJson.line(sample()));
        JsonNode back = new ObjectMapper().readTree(ReportJson.text(sample()));
        assertEquals(sample(), back, "strict JSON that reads back to the same tree");
        assertTrue(back.get("energy").isNull() && back.get("values").get(1).isNull());
    }

    @Test
    void inspectLayoutPutsTheColonAfterTheKeyAndEscapesNonAscii() {
        ObjectNode o = ReportJson.object();
        o.put("label", "σ-lora é");
        o.putArray("shape").add(8).add(768);
        assertEquals(
                "{\n  \"label\": \"\\u03C3-lora \\u00E9\",\n  \"shape\": [ 8, 768 ]\n}\n", ReportJson.asciiLine(o));
    }

    @Test
    void treesKeepAMapsOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of("x", "y"));
        m.put("m", Map.of("k", false));
        assertEquals(
                "{\n  \"z\" : 1,\n  \"a\" : [ \"x\", \"y\" ],\n  \"m\" : {\n    \"k\" : false\n  }\n}",
                ReportJson.text(ReportJson.tree(m)));
    }
}
