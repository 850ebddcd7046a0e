package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@code lora bench --methods} measured: per merging method, ours and the numpy peer's seconds for one module
 * and the speed-up (peer / ours). Prints as JSON and as a Markdown table.
 */
public record MethodBenchReport(
        Map<String, Object> machine,
        String backend,
        Map<String, Object> jvm,
        Map<String, Object> setup,
        List<Row> rows) {
    /** One method: how many adapters it merged, whether ours forms dense updates, our timing, the peer's median. */
    public record Row(String method, int inputs, boolean oursDense, Timing ours, OptionalDouble peerSeconds) {
        /** peer time / our time, when the peer ran. */
        public OptionalDouble speedup() {
            return peerSeconds.isPresent()
                    ? OptionalDouble.of(peerSeconds.getAsDouble() / ours.medianSeconds())
                    : OptionalDouble.empty();
        }

        Row withPeer(double seconds) {
            return new Row(method, inputs, oursDense, ours, OptionalDouble.of(seconds));
        }
    }

    public MethodBenchReport {
        rows = List.copyOf(rows);
    }

    /**
     * One JSON object: machine, backend, jvm, setup (module, shape, load averages, peer versions) and methods {METHOD:
     * {inputs, ours_path, ours_s, ours {median_s, min_s, max_s, reps, warmup}, peer_s, speedup}}.
     */
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.set("machine", ReportJson.tree(machine));
        root.put("backend", backend);
        root.set("jvm", ReportJson.tree(jvm));
        root.set("setup", ReportJson.tree(setup));
        ObjectNode methods = root.putObject("methods");
        for (Row r : rows) {
            ObjectNode o = methods.putObject(r.method());
            o.put("inputs", r.inputs());
            o.put("ours_path", r.oursDense() ? "dense" : "factored");
            o.put("ours_s", r.ours().medianSeconds());
            r.ours().writeTo(o.putObject("ours"));
            if (r.peerSeconds().isPresent()) {
                o.put("peer_s", r.peerSeconds().getAsDouble());
                o.put("speedup", r.speedup().getAsDouble());
            } else {
                o.putNull("peer_s");
                o.putNull("speedup");
            }
        }
        return ReportJson.text(root);
    }

    /** Whether a saved bench report is one of these (it has {@code methods}, where the operations' report has ops). */
    public static boolean isMethodReport(String json) {
        try {
            return new ObjectMapper().readTree(json).has("methods");
        } catch (JsonProcessingException e) {
            return false; // not JSON: the operations' reader says so
        }
    }

    /** A report read back from {@link #toJson()}. */
    public static MethodBenchReport fromJson(String json) {
        ObjectMapper m = new ObjectMapper();
        try {
            JsonNode root = m.readTree(json);
            TypeReference<Map<String, Object>> map = new TypeReference<>() {};
            List<Row> rows = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("methods").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode o = e.getValue();
                Row r = new Row(
                        e.getKey(),
                        o.path("inputs").asInt(),
                        "dense".equals(o.path("ours_path").asText()),
                        Timing.of(o.path("ours")),
                        OptionalDouble.empty());
                rows.add(
                        o.path("peer_s").isNumber() ? r.withPeer(o.get("peer_s").asDouble()) : r);
            }
            return new MethodBenchReport(
                    m.convertValue(root.path("machine"), map),
                    root.path("backend").asText(),
                    m.convertValue(root.path("jvm"), map),
                    m.convertValue(root.path("setup"), map),
                    rows);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new LoraException("not a bench --methods report: " + e.getMessage(), e);
        }
    }

    /** A Markdown table for the README: method, our path, speed-up, both times. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Measured on %s (%s cores), backend %s, Java %s; one %s module (%s) of %s; load average %s before, "
                        + "%s after. Speed-up = numpy peer's time / ours, same run.%n%n",
                machine.get("cpu"),
                machine.get("cores"),
                backend,
                jvm.get("version"),
                setup.get("shape"),
                setup.get("module"),
                setup.get("adapters"),
                setup.get("load_average_before"),
                setup.get("load_average_after")));
        sb.append(
                "| method | inputs | ours | speed-up vs numpy | ours (s) | numpy (s) |\n|---|---:|---|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %d | %s | %s | %s | %s |%n",
                    r.method(),
                    r.inputs(),
                    r.oursDense() ? "dense, streamed" : "factored",
                    r.speedup().isPresent()
                            ? String.format(Locale.ROOT, "%.1f×", r.speedup().getAsDouble())
                            : "–",
                    seconds(r.ours().medianSeconds()),
                    r.peerSeconds().isPresent() ? seconds(r.peerSeconds().getAsDouble()) : "–"));
        }
        return sb.toString();
    }

    private static String seconds(double s) {
        return s >= 10 ? String.format(Locale.ROOT, "%.1f", s) : String.format(Locale.ROOT, "%.3g", s);
    }
}
