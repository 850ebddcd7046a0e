package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.LoraException;

/** A --methods report saved as JSON reads back to the same report: the same JSON and the same Markdown table. */
class MethodBenchReportTest {
    @Test
    void aSavedReportReadsBackToTheSameTable() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", "Test CPU");
        machine.put("cores", 2);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("module", "model.layers.0.self_attn.k_proj");
        setup.put("shape", "4096x4096");
        setup.put("adapters", "synthetic Llama-2-7B, rank 16, scale 2");
        setup.put("load_average_before", "1.50 1.60 1.70");
        setup.put("load_average_after", "1.40 1.50 1.60");
        MethodBenchReport report = new MethodBenchReport(
                machine,
                "nd4j-cpu",
                Map.of("version", "17.0.15"),
                setup,
                List.of(
                        new MethodBenchReport.Row(
                                "della", 3, true, new Timing(4.5, 4.5, 4.5, 1, 0), OptionalDouble.of(31.2)),
                        new MethodBenchReport.Row(
                                "karcher", 3, false, new Timing(0.0265, 0.025, 0.03, 3, 1), OptionalDouble.empty())));
        String json = report.toJson();
        assertTrue(MethodBenchReport.isMethodReport(json));
        MethodBenchReport back = MethodBenchReport.fromJson(json);
        assertEquals(json, back.toJson());
        assertEquals(report.toMarkdown(), back.toMarkdown());
        assertTrue(
                back.toMarkdown().contains("| `della` | 3 | dense, streamed | 6.9× | 4.50 | 31.2 |"),
                back.toMarkdown());
        assertFalse(MethodBenchReport.isMethodReport("{\"ops\": {}}"), "the operations' report");
        assertFalse(MethodBenchReport.isMethodReport("not json"));
        assertThrows(LoraException.class, () -> MethodBenchReport.fromJson("{\"methods\": "));
    }
}
