package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.loralgebra.stdlib.ExpectedText;

/**
 * The bench report's text, Markdown and JSON, whole, for a report with every section: a figure and a dash where one
 * was not measured, the extrapolation stars, the dense path's ratio. The expected files were written from the report
 * before its formatting was shared out and read through by hand; the ratios are also checked against their
 * arithmetic here.
 */
class BenchReportTextTest {
    private static Timing t(double median, double min, double max) {
        return new Timing(median, min, max, 5, 1);
    }

    private static BenchReport report() {
        return report(Map.of());
    }

    /** The report, its setup with {@code extraSetup} added. */
    private static BenchReport report(Map<String, Object> extraSetup) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", "Test CPU");
        machine.put("cores", 2);
        machine.put("memory_bytes", 8L << 30);
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", "17.0.1");
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("adapter", "synthetic r16");
        setup.put("reps", 5);
        setup.put("warmup", 1);
        setup.put("adapter_file_bytes", 3L << 20);
        setup.putAll(extraSetup);
        OpResult load = new OpResult(
                        "load",
                        t(0.02, 0.015, 0.025),
                        OptionalLong.of(3L << 30),
                        OptionalLong.of(512L << 20),
                        OptionalDouble.empty(),
                        false)
                .withPeer(0.05, false);
        OpResult spectrum = new OpResult(
                        "spectrum",
                        t(0.1, 0.09, 0.12),
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        OptionalDouble.empty(),
                        false,
                        true,
                        2)
                .withPeer(0.4, true);
        OpResult save = new OpResult(
                "save", t(0.25, 0.2, 0.3), OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty(), false);
        return new BenchReport(
                machine,
                "nd4j-cpu",
                jvm,
                setup,
                List.of(load, spectrum, save),
                30.0,
                List.of(
                        new BenchReport.ScalingPoint("sum", 8, 2, t(0.5, 0.4, 0.6), 1L << 20),
                        new BenchReport.ScalingPoint("sum", 16, 4, t(1.25, 1.0, 1.5), 3L << 30)),
                Optional.of(new MachineLimits(10e9, 100e9, "test product")),
                Map.of("spectrum", new OpWork(0.25e9, 1e9, "F; Gram")),
                List.of(
                        new CommandTiming(
                                "inspect",
                                "lora inspect SMALL",
                                t(0.3, 0.3, 0.3),
                                Optional.of("python3 inspect_header.py SMALL"),
                                Optional.of(t(0.1, 0.1, 0.1)),
                                Map.of()),
                        new CommandTiming(
                                "notebook",
                                "a fresh kernel",
                                t(12, 12, 12),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of("kernel_start", t(9, 9, 9), "first_cell", t(3, 3, 3)))));
    }

    private static String expected(String name) throws IOException {
        return ExpectedText.of(BenchReportTextTest.class, name);
    }

    @Test
    void theCellsWorkedOutByHandStandInTheTable() {
        String table = report().toTable();
        // load: 0.05 / 0.02 = 2.5×; spectrum: 0.4 / 0.1 = 4.0×, limit max(0.25e9 / 10e9, 1e9 / 100e9) = 0.025 s
        assertTrue(table.contains("load                 0.0200   0.0150–0.0250          0.0500      2.5×"), table);
        assertTrue(
                table.contains(
                        "spectrum            0.1000*   0.0900–0.1200         0.4000*      4.0×      0.0250     4.0×"),
                table);
        // the dense path: 30 s / 0.1 s = 300×
        assertTrue(table.contains("extrapolated: 30.0 s = 300× our spectrum"), table);
        assertTrue(report().toMarkdown().contains("in numpy: 30 s, **300×** our factored spectrum."), table);
    }

    @Test
    void theMarkdownSaysHowLongTheWarmUpWasWhereTheRunHadAFloor() {
        String md = report(Map.of("warmup_s", 3.0)).toMarkdown();
        assertTrue(md.contains("median of 5 repetitions after 3 s of warm-up runs (at least 1)."), md);
        assertTrue(report().toMarkdown().contains("median of 5 repetitions after 1 warm-up."), "a report saved before");
    }

    @Test
    void theNoteNamesTheOperationsWhoseSampleRanSeveralModulesAtOnceAndReadsBack() throws IOException {
        BenchReport r = report();
        String note =
                "extrapolated by shape from one timed run per distinct shape (dense work): one module, or as many "
                        + "at once as the engine computes at once (spectrum 2)";
        assertEquals(note, r.extrapolationNote());
        assertTrue(r.toTable().contains("(* " + note + ")"), r.toTable());
        BenchReport back = BenchReport.fromJson(r.toJson());
        assertEquals(2, back.ops().get(1).modulesAtOnce(), "modules_at_once reads back");
        assertEquals(0, back.ops().get(0).modulesAtOnce(), "a whole timing ran no sample");
        // a report saved before the field: its samples ran one module each
        ObjectNode saved = (ObjectNode) new ObjectMapper().readTree(r.toJson());
        assertEquals(
                2,
                ((ObjectNode) saved.at("/ops/spectrum/ours"))
                        .remove("modules_at_once")
                        .asInt());
        BenchReport before = BenchReport.fromJson(saved.toString());
        assertEquals(1, before.ops().get(1).modulesAtOnce());
        assertTrue(before.extrapolationNote().endsWith("(dense work): one module"), before.extrapolationNote());
    }

    @Test
    void theTableIsWhatItWas() throws IOException {
        assertEquals(expected("report-table.txt"), report().toTable());
    }

    @Test
    void theMarkdownIsWhatItWas() throws IOException {
        assertEquals(expected("report.md"), report().toMarkdown());
    }

    @Test
    void theJsonIsWhatItWas() throws IOException {
        assertEquals(expected("report.json"), report().toJson());
    }
}
