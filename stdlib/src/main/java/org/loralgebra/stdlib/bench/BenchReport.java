package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What a benchmark run measured: the machine, backend and JVM, the adapter, one {@link OpResult} per operation,
 * the dense path's estimate, and the scaling sweeps. Prints as a table and as one JSON object.
 */
public record BenchReport(
        Map<String, Object> machine,
        String backend,
        Map<String, Object> jvm,
        Map<String, Object> setup,
        List<OpResult> ops,
        Double denseSpectrumSeconds,
        List<ScalingPoint> scaling,
        Optional<MachineLimits> limits,
        Map<String, OpWork> work,
        List<CommandTiming> endToEnd) {
    /**
     * One point of a scaling sweep: an operation at a rank and a number of adapters, and how far the process's
     * resident memory rose above what it was before (-1 where it cannot be read).
     */
    public record ScalingPoint(String op, int rank, int adapters, Timing timing, long rssGrowthBytes) {}

    public BenchReport {
        ops = List.copyOf(ops);
        scaling = List.copyOf(scaling);
        work = Map.copyOf(work);
        endToEnd = List.copyOf(endToEnd);
    }

    /** A report without physical limits or the end-to-end section. */
    public BenchReport(
            Map<String, Object> machine,
            String backend,
            Map<String, Object> jvm,
            Map<String, Object> setup,
            List<OpResult> ops,
            Double denseSpectrumSeconds,
            List<ScalingPoint> scaling) {
        this(machine, backend, jvm, setup, ops, denseSpectrumSeconds, scaling, Optional.empty(), Map.of(), List.of());
    }

    /** The operation's physical limit in seconds ({@link MachineLimits#seconds}), where both are known. */
    public OptionalDouble limitSeconds(String op) {
        OpWork w = work.get(op);
        return limits.isPresent() && w != null ? OptionalDouble.of(limits.get().seconds(w)) : OptionalDouble.empty();
    }

    /** Our median time over the operation's physical limit: how far from the machine's best it runs. */
    public OptionalDouble ofLimit(String op) {
        OptionalDouble limit = limitSeconds(op);
        return ops.stream()
                .filter(r -> r.op().equals(op) && limit.isPresent() && limit.getAsDouble() > 0)
                .mapToDouble(r -> r.ours().medianSeconds() / limit.getAsDouble())
                .findFirst();
    }

    /**
     * The dense path's time over our spectrum's median ({@code denseSpectrumSeconds / spectrum}): how much the factored
     * spectrum saves; empty where either was not measured.
     */
    public OptionalDouble denseSpectrumSpeedup() {
        return denseSpectrumSeconds == null
                ? OptionalDouble.empty()
                : ops.stream()
                        .filter(r -> r.op().equals("spectrum"))
                        .mapToDouble(r -> denseSpectrumSeconds / r.ours().medianSeconds())
                        .findFirst();
    }

    /** Issue 22's targets as this report measured them. */
    public List<BenchTarget> targets() {
        return BenchTarget.of(this);
    }

    /** An aligned table (figures as ratios against the peer where it ran). */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "LoRAlgebra bench: %s, %s cores, %s; backend %s; %s%n",
                machine.get("cpu"),
                machine.get("cores"),
                gib(((Number) machine.get("memory_bytes")).longValue()),
                backend,
                setup.get("adapter")));
        sb.append(String.format(
                Locale.ROOT,
                "%-14s %12s %18s %12s %9s %11s %8s %12s %12s%n",
                "op",
                "ours (s)",
                "ours min–max",
                "numpy (s)",
                "speed-up",
                "limit (s)",
                "÷ limit",
                "peak RSS",
                "RSS rise"));
        for (OpResult r : ops) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-14s %12s %8.4f–%-9.4f %12s %9s %11s %8s %12s %12s%n",
                    r.op(),
                    String.format(Locale.ROOT, "%.4f%s", r.ours().medianSeconds(), r.oursExtrapolated() ? "*" : ""),
                    r.ours().minSeconds(),
                    r.ours().maxSeconds(),
                    peerSeconds(r, "%.4f"),
                    orDash(r.speedup(), "%.1f×"),
                    seconds(limitSeconds(r.op())),
                    times(ofLimit(r.op())),
                    r.peakRssBytes().isPresent() ? gib(r.peakRssBytes().getAsLong()) : "—",
                    r.rssGrowthBytes().isPresent() ? gib(r.rssGrowthBytes().getAsLong()) : "—"));
        }
        limits.ifPresent(l -> sb.append(String.format(
                Locale.ROOT,
                "(limit: the bytes and flops the operation cannot avoid at %.1f GB/s and %.1f GFLOP/s, measured now: %s)%n",
                l.bytesPerSecond() / 1e9,
                l.flopsPerSecond() / 1e9,
                l.flopsHow())));
        Object file = setup.get("adapter_file_bytes");
        if (file instanceof Number n && n.longValue() > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "(memory: one more run in a fresh JVM; peak RSS of that process, and its rise above "
                            + "the resident size once the inputs were opened; one adapter file is %s)%n",
                    gib(n.longValue())));
        }
        denseSpectrumSpeedup()
                .ifPresent(x -> sb.append(String.format(
                        Locale.ROOT,
                        "dense path (PEFT svd: dense ΔW, dense SVD), numpy, extrapolated: %.1f s = %.0f× our spectrum%n",
                        denseSpectrumSeconds,
                        x)));
        if (!scaling.isEmpty()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%nscaling%n%-14s %6s %9s %12s %12s%n",
                    "op",
                    "rank",
                    "adapters",
                    "median (s)",
                    "RSS rise"));
            for (ScalingPoint p : scaling) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-14s %6d %9d %12.4f %12s%n",
                        p.op(),
                        p.rank(),
                        p.adapters(),
                        p.timing().medianSeconds(),
                        gib(p.rssGrowthBytes())));
            }
        }
        sb.append("(* ").append(extrapolationNote()).append(")\n");
        if (!endToEnd.isEmpty()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%nend to end (whole commands, a fresh process each)%n%-12s %10s %10s %9s  %s%n",
                    "command",
                    "ours (s)",
                    "peer (s)",
                    "speed-up",
                    "ours / peer"));
            for (CommandTiming c : endToEnd) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-12s %10.3f %10s %9s  %s%s%n",
                        c.name(),
                        c.ours().medianSeconds(),
                        c.peer()
                                .map(p -> String.format(Locale.ROOT, "%.3f", p.medianSeconds()))
                                .orElse("—"),
                        times(c.speedup()),
                        c.oursCommand(),
                        c.peerCommand().map(p -> " / " + p).orElse("")));
            }
        }
        sb.append(String.format(Locale.ROOT, "%ntargets (issue 22)%n"));
        for (BenchTarget t : targets()) {
            sb.append(String.format(Locale.ROOT, "%-12s %9s  %s%n", t.verdict(), t.measuredText(), t.goal()));
        }
        return sb.toString();
    }

    /** One JSON object: machine, backend, jvm, setup, ops {OP: {ours_s, peer_s, speedup, …}}, scaling. */
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.set("machine", ReportJson.tree(machine));
        root.put("backend", backend);
        root.set("jvm", ReportJson.tree(jvm));
        root.set("setup", ReportJson.tree(setup));
        ObjectNode opsNode = root.putObject("ops");
        for (OpResult r : ops) {
            ObjectNode o = opsNode.putObject(r.op());
            o.put("ours_s", r.ours().medianSeconds());
            ObjectNode ours = o.putObject("ours");
            r.ours().writeTo(ours);
            ours.put("extrapolated", r.oursExtrapolated());
            if (r.oursExtrapolated()) {
                ours.put("modules_at_once", r.modulesAtOnce());
            }
            if (r.peerSeconds().isPresent()) {
                o.put("peer_s", r.peerSeconds().getAsDouble());
                o.put("peer_extrapolated", r.peerExtrapolated());
                o.put("speedup", r.speedup().getAsDouble());
            } else {
                o.putNull("peer_s");
                o.putNull("speedup");
            }
            r.peakRssBytes().ifPresent(v -> o.put("peak_rss_bytes", v));
            r.rssGrowthBytes().ifPresent(v -> o.put("rss_growth_bytes", v));
            OpWork w = work.get(r.op());
            if (w != null) {
                ObjectNode wn = o.putObject("work");
                wn.put("bytes", w.bytes());
                wn.put("flops", w.flops());
                wn.put("basis", w.basis());
            }
            limitSeconds(r.op()).ifPresent(v -> o.put("limit_s", v));
            ofLimit(r.op()).ifPresent(v -> o.put("of_limit", v));
        }
        limits.ifPresent(l -> {
            ObjectNode ln = root.putObject("limits");
            ln.put("bytes_per_second", l.bytesPerSecond());
            ln.put("flops_per_second", l.flopsPerSecond());
            ln.put("flops_how", l.flopsHow());
        });
        if (!endToEnd.isEmpty()) {
            EndToEnd.toJson(endToEnd, root.putObject("end_to_end"));
        }
        ArrayNode targetsNode = root.putArray("targets");
        for (BenchTarget t : targets()) {
            ObjectNode tn = targetsNode.addObject();
            tn.put("id", t.id());
            tn.put("goal", t.goal());
            if (t.measured().isPresent()) {
                tn.put("measured", t.measured().getAsDouble());
            } else {
                tn.putNull("measured");
            }
            tn.put("unit", t.unit());
            tn.put("verdict", t.verdict());
        }
        if (denseSpectrumSeconds != null) {
            ObjectNode d = root.putObject("dense_spectrum");
            d.put("peer_s", denseSpectrumSeconds);
            d.put("extrapolated", true);
            denseSpectrumSpeedup().ifPresent(x -> d.put("speedup_of_factored_spectrum", x));
        }
        ArrayNode sc = root.putArray("scaling");
        for (ScalingPoint p : scaling) {
            ObjectNode o = sc.addObject();
            o.put("op", p.op());
            o.put("rank", p.rank());
            o.put("adapters", p.adapters());
            o.put("median_s", p.timing().medianSeconds());
            o.put("min_s", p.timing().minSeconds());
            o.put("max_s", p.timing().maxSeconds());
            o.put("rss_growth_bytes", p.rssGrowthBytes());
        }
        return ReportJson.text(root);
    }

    /** How each operation was warmed up: a count, and the seconds of warm-up runs where the run had a floor. */
    private String warmupText() {
        Object seconds = setup.get("warmup_s");
        double floor = seconds instanceof Number n ? n.doubleValue() : 0;
        return floor > 0
                ? String.format(
                        Locale.ROOT, "%s s of warm-up runs (at least %s)", fmtSeconds(floor), setup.get("warmup"))
                : setup.get("warmup") + " warm-up";
    }

    private static String fmtSeconds(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    /**
     * A Markdown section for a README: the machine and backend, then one row per operation with the speed-up over
     * the numpy peer (the figure that carries over between machines), our median and the peer's, and the peak
     * memory growth; then the dense path's ratio and the scaling sweeps.
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Measured on %s (%s cores, %s), backend %s, Java %s; %s; median of %s repetitions "
                        + "after %s. Speed-up = numpy peer's time / ours, both in the same run.%n%n",
                machine.get("cpu"),
                machine.get("cores"),
                gib(((Number) machine.get("memory_bytes")).longValue()),
                backend,
                jvm.get("version"),
                setup.get("adapter"),
                setup.get("reps"),
                warmupText()));
        sb.append(
                "| operation | speed-up vs numpy | ours (s) | numpy (s) | physical limit (s) | ours ÷ limit | RSS rise |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (OpResult r : ops) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %s | %.3f%s | %s | %s | %s | %s |%n",
                    r.op(),
                    orDash(r.speedup(), "**%.1f×**"),
                    r.ours().medianSeconds(),
                    r.oursExtrapolated() ? "*" : "",
                    peerSeconds(r, "%.3f"),
                    seconds(limitSeconds(r.op())),
                    times(ofLimit(r.op())),
                    r.rssGrowthBytes().isPresent() ? gib(r.rssGrowthBytes().getAsLong()) : "—"));
        }
        denseSpectrumSpeedup()
                .ifPresent(x -> sb.append(String.format(
                        Locale.ROOT,
                        "%nThe dense path (what PEFT's `svd` combination does: form ΔW, dense SVD), in numpy: %.0f s, "
                                + "**%.0f×** our factored spectrum.%n",
                        denseSpectrumSeconds,
                        x)));
        sb.append("\n\\* ").append(extrapolationNote()).append('.');
        Object file = setup.get("adapter_file_bytes");
        if (file instanceof Number n && n.longValue() > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    " RSS rise: how far one run raised the resident memory of a fresh JVM above "
                            + "its size once the inputs were opened (one adapter file is %s).",
                    gib(n.longValue())));
        }
        limits.ifPresent(l -> sb.append(String.format(
                Locale.ROOT,
                " Physical limit: the bytes and flops the operation cannot avoid (bench/README.md) at this machine's"
                        + " %.1f GB/s (copy, all cores) and %.0f GFLOP/s (%s), measured in the same run.",
                l.bytesPerSecond() / 1e9,
                l.flopsPerSecond() / 1e9,
                l.flopsHow())));
        sb.append("\n");
        if (!endToEnd.isEmpty()) {
            sb.append("\n| whole command (fresh process) | speed-up | ours (s) | peer (s) | peer |\n"
                    + "|---|---:|---:|---:|---|\n");
            for (CommandTiming c : endToEnd) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| `%s`%s | %s | %.3f | %s | %s |%n",
                        c.oursCommand(),
                        c.parts().isEmpty()
                                ? ""
                                : c.parts().entrySet().stream()
                                        .sorted(Map.Entry.comparingByKey())
                                        .map(p -> String.format(
                                                Locale.ROOT,
                                                "%s %.2f s",
                                                p.getKey().replace('_', ' '),
                                                p.getValue().medianSeconds()))
                                        .reduce((a, b) -> a + ", " + b)
                                        .map(x -> " (" + x + ")")
                                        .orElse(""),
                        orDash(c.speedup(), "**%.2f×**"),
                        c.ours().medianSeconds(),
                        c.peer()
                                .map(p -> String.format(Locale.ROOT, "%.3f", p.medianSeconds()))
                                .orElse("—"),
                        c.peerCommand().map(p -> "`" + p + "`").orElse("—")));
            }
        }
        sb.append("\n| target (issue 22) | measured | verdict |\n|---|---:|---|\n");
        for (BenchTarget t : targets()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", t.goal(), t.measuredText(), t.verdict()));
        }
        if (!scaling.isEmpty()) {
            sb.append(
                    "\n| scaling (one layer) | rank | adapters | median (s) | RSS rise |\n|---|---:|---:|---:|---:|\n");
            for (ScalingPoint p : scaling) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| `%s` | %d | %d | %.3f | %s |%n",
                        p.op(),
                        p.rank(),
                        p.adapters(),
                        p.timing().medianSeconds(),
                        gib(p.rssGrowthBytes())));
            }
        }
        return sb.toString();
    }

    /** A report read back from {@link #toJson()}. */
    @SuppressWarnings("unchecked")
    public static BenchReport fromJson(String json) {
        try {
            ObjectMapper m = new ObjectMapper();
            JsonNode root = m.readTree(json);
            List<OpResult> ops = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("ops").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode o = e.getValue();
                JsonNode t = o.path("ours");
                Timing timing = Timing.of(t);
                OpResult r = new OpResult(
                        e.getKey(),
                        timing,
                        optionalLong(o, "peak_rss_bytes"),
                        optionalLong(o, "rss_growth_bytes"),
                        OptionalDouble.empty(),
                        false,
                        t.path("extrapolated").asBoolean(),
                        t.path("extrapolated").asBoolean()
                                ? t.path("modules_at_once").asInt(1)
                                : 0);
                ops.add(
                        o.path("peer_s").isNumber()
                                ? r.withPeer(
                                        o.get("peer_s").asDouble(),
                                        o.path("peer_extrapolated").asBoolean())
                                : r);
            }
            List<ScalingPoint> scaling = new ArrayList<>();
            for (JsonNode p : root.path("scaling")) {
                scaling.add(new ScalingPoint(
                        p.path("op").asText(),
                        p.path("rank").asInt(),
                        p.path("adapters").asInt(),
                        new Timing(
                                p.path("median_s").asDouble(),
                                p.path("min_s").asDouble(),
                                p.path("max_s").asDouble(),
                                0,
                                0),
                        p.path("rss_growth_bytes").asLong(-1)));
            }
            JsonNode dense = root.path("dense_spectrum").path("peer_s");
            Map<String, OpWork> work = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("ops").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode w = e.getValue().path("work");
                if (w.isObject()) {
                    work.put(
                            e.getKey(),
                            new OpWork(
                                    w.path("bytes").asDouble(),
                                    w.path("flops").asDouble(),
                                    w.path("basis").asText()));
                }
            }
            JsonNode l = root.path("limits");
            Optional<MachineLimits> limits = l.isObject()
                    ? Optional.of(new MachineLimits(
                            l.path("bytes_per_second").asDouble(),
                            l.path("flops_per_second").asDouble(),
                            l.path("flops_how").asText()))
                    : Optional.empty();
            return new BenchReport(
                    m.convertValue(root.path("machine"), Map.class),
                    root.path("backend").asText(),
                    m.convertValue(root.path("jvm"), Map.class),
                    m.convertValue(root.path("setup"), Map.class),
                    ops,
                    dense.isNumber() ? dense.asDouble() : null,
                    scaling,
                    limits,
                    work,
                    EndToEnd.fromJson(root.path("end_to_end")));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new LoraException("not a lora bench JSON report: " + e.getMessage(), e);
        }
    }

    private static OptionalLong optionalLong(JsonNode o, String key) {
        return o.path(key).isNumber() ? OptionalLong.of(o.get(key).asLong()) : OptionalLong.empty();
    }

    private static String seconds(OptionalDouble v) {
        return orDash(v, "%.4f");
    }

    private static String times(OptionalDouble v) {
        return orDash(v, "%.1f×");
    }

    /** A cell: the figure in {@code format}, or a dash where it was not measured. */
    private static String orDash(OptionalDouble v, String format) {
        return v.isPresent() ? String.format(Locale.ROOT, format, v.getAsDouble()) : "—";
    }

    /**
     * How the starred figures were extrapolated: from a sample of each distinct shape's modules, timed once, naming
     * the operations whose sample ran several modules at once (reports from before that field ran one).
     */
    String extrapolationNote() {
        List<String> parallel = ops.stream()
                .filter(r -> r.modulesAtOnce() > 1)
                .map(r -> r.op() + " " + r.modulesAtOnce())
                .toList();
        return "extrapolated by shape from one timed run per distinct shape (dense work): one module"
                + (parallel.isEmpty()
                        ? ""
                        : ", or as many at once as the engine computes at once (" + String.join(", ", parallel) + ")");
    }

    /** The peer's median in {@code format}, starred where it was extrapolated, or a dash where the peer did not run. */
    private static String peerSeconds(OpResult r, String format) {
        return r.peerSeconds().isPresent()
                ? String.format(Locale.ROOT, format, r.peerSeconds().getAsDouble()) + (r.peerExtrapolated() ? "*" : "")
                : "—";
    }

    private static String gib(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
