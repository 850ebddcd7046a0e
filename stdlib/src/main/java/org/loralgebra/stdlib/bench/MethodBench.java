package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleSpec;

/**
 * {@code lora bench --methods}: each 2025 merging method ({@link MethodOps}) on one square module of the
 * synthetic Llama-2-7B adapters (the first {@code hidden × hidden} module in the adapter's order, an attention
 * projection of layer 0: 128 of the 224 modules have this shape), ours against the numpy peer computing the same merge the way the method's reference code
 * does, in the same run. Per-module times, not extrapolated: the peer's dense SVDs of one 4096 × 12288 KnOTS
 * concatenation take minutes.
 *
 * <p>Repetitions, the same on both sides: methods whose peer does no dense SVD (core_space, model_stock, karcher,
 * nuslerp) {@value #LIGHT_WARMUP} warm-ups and {@value #LIGHT_REPS} timed runs (the median is reported); the others
 * one timed run without warm-up (the peer's sampled-op rule), except that ours gets the same warm-ups and runs where it
 * works on factors (milliseconds), so that the JIT's first compilations stay out of the figure. (core_space's old
 * 0.14–0.16 s after one warm-up was mostly not the JIT but every core per operation on a light module; see
 * {@code exec.OperationThreads}.)
 */
public final class MethodBench {
    /** Methods whose peer path has no dense SVD, so that repetitions are cheap on both sides. */
    static final List<String> LIGHT = List.of("core_space", "model_stock", "karcher", "nuslerp");

    /** Warm-ups of the repeated methods, both sides. */
    static final int LIGHT_WARMUP = 5;

    /** Timed runs of the repeated methods, both sides. */
    static final int LIGHT_REPS = 5;

    private MethodBench() {}

    /** Runs {@code methods} (null or empty: all) with the options' adapters, logging progress to {@code log}. */
    public static MethodBenchReport run(Bench.Options o, List<String> methods, Consumer<String> log) {
        List<String> chosen = methods == null || methods.isEmpty() ? MethodOps.METHODS : methods;
        for (String m : chosen) {
            if (!MethodOps.METHODS.contains(m)) {
                throw new LoraException(
                        "unknown bench merge method '" + m + "'; known: " + String.join(", ", MethodOps.METHODS));
            }
        }
        String loadBefore = loadAverage();
        int needed = chosen.stream().mapToInt(MethodOps::inputs).max().orElse(1);
        List<Path> adapters = new ArrayList<>();
        for (int i = 0; i < needed; i++) {
            log.accept("adapter " + (i + 1) + "/" + needed + ": " + o.layers() + " layers, rank " + o.rank());
            adapters.add(o.adapter(o.layers(), o.rank(), i + 1));
        }
        ModuleSpec module = Lora.load(adapters.get(0)).type().modules().values().stream()
                .filter(m -> m.out() == o.hidden() && m.in() == o.hidden())
                .findFirst()
                .orElseThrow(() ->
                        new LoraException("no " + o.hidden() + "×" + o.hidden() + " module in " + adapters.get(0)));
        Path scratch = o.cache().resolve("scratch");
        List<MethodBenchReport.Row> rows = new ArrayList<>();
        for (String m : chosen) {
            log.accept("ours: " + m + " on " + module.name());
            boolean repeat = LIGHT.contains(m) || !MethodOps.dense(m);
            Runnable action = MethodOps.op(m)
                    .preparer()
                    .prepare(adapters.subList(0, MethodOps.inputs(m)), scratch, List.of(module.name()));
            Timing t = repeat ? Timing.measure(action, LIGHT_WARMUP, LIGHT_REPS) : Timing.measure(action, 0, 1);
            rows.add(new MethodBenchReport.Row(m, MethodOps.inputs(m), MethodOps.dense(m), t, OptionalDouble.empty()));
        }
        Map<String, Object> peerInfo = new LinkedHashMap<>();
        if (o.peer()) {
            Map<String, Double> peer = new LinkedHashMap<>();
            List<String> light = chosen.stream().filter(LIGHT::contains).toList();
            List<String> heavy = chosen.stream().filter(m -> !LIGHT.contains(m)).toList();
            for (List<String> group : List.of(light, heavy)) {
                if (group.isEmpty()) {
                    continue;
                }
                log.accept("numpy peer: " + String.join(",", group));
                boolean cheap = group == light;
                JsonNode report = NumpyPeer.run(
                        List.of(
                                "--adapters",
                                String.join(
                                        ",",
                                        adapters.stream().map(Path::toString).toList()),
                                "--ops",
                                String.join(",", group),
                                "--modules",
                                "\\." + module.name().replace(".", "\\.") + "$",
                                "--sample",
                                "1",
                                "--dense-warmup",
                                cheap ? String.valueOf(LIGHT_WARMUP) : "0",
                                "--dense-reps",
                                cheap ? String.valueOf(LIGHT_REPS) : "1",
                                "--threads",
                                String.valueOf(Runtime.getRuntime().availableProcessors())),
                        scratch,
                        7200);
                for (String m : group) {
                    JsonNode op = report.path("ops").path(m);
                    if (op.has("median_s")) {
                        peer.put(m, op.get("median_s").asDouble());
                    }
                }
                peerInfo.put("numpy", report.path("numpy").asText());
                peerInfo.put("blas", report.path("blas").path("version").asText());
            }
            List<MethodBenchReport.Row> withPeer = new ArrayList<>();
            for (MethodBenchReport.Row r : rows) {
                Double s = peer.get(r.method());
                withPeer.add(s == null ? r : r.withPeer(s));
            }
            rows = withPeer;
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("module", module.name());
        setup.put("shape", module.out() + "x" + module.in());
        setup.put("adapter_rank", o.rank());
        setup.put(
                "adapters",
                (o.llama7b() ? "synthetic Llama-2-7B" : "synthetic Llama at hidden " + o.hidden() + " (smoke run)")
                        + ", rank " + o.rank() + ", scale 2");
        setup.put("load_average_before", loadBefore);
        setup.put("load_average_after", loadAverage());
        setup.put("peer", peerInfo);
        return new MethodBenchReport(Bench.machine(), Lora.backend(), Bench.jvm(), setup, rows);
    }

    /** The first three fields of /proc/loadavg (1, 5 and 15 minutes), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
