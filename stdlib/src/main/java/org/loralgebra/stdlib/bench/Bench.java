package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.Lora;
import org.loralgebra.exec.Engine;

/**
 * The benchmark: synthetic Llama-2-7B-shaped adapters (cached), each operation timed with warm-up and
 * repetitions (median and spread) and its peak resident memory, the numpy peer run on the same files in the
 * same run, and scaling sweeps over rank and number of adapters.
 */
public final class Bench {
    private Bench() {}

    /** Seconds of untimed runs before each operation's timed ones in the full benchmark (see {@link Timing}). */
    static final double FULL_WARMUP_SECONDS = 3.0;

    /**
     * What to run: {@code layers} layers of a Llama of the given widths (Llama-2-7B: 32 layers, hidden 4096, MLP
     * 11008; 7 modules per layer), {@code reps} timed repetitions after at least {@code warmup} untimed runs and
     * {@code warmupSeconds} of them ({@link Timing#measure(Runnable, int, double, int)}), the peer or not, the scaling
     * sweeps or not.
     */
    public record Options(
            int layers,
            int hidden,
            int intermediate,
            int rank,
            int reps,
            int warmup,
            double warmupSeconds,
            boolean peer,
            boolean scaling,
            Path cache,
            List<String> endToEnd) {
        /**
         * The full benchmark (Llama-2-7B: 32 layers, 224 modules), or the quick one: a smoke run of every operation
         * on two layers of a Llama one eighth as wide (hidden 512, MLP 1376), in seconds, with no scaling sweeps.
         */
        public static Options of(boolean quick, Path cache) {
            return quick
                    ? new Options(2, 512, 1376, 16, 3, 1, 0, true, false, cache, List.of("inspect", "spectrum"))
                    : new Options(
                            32,
                            SyntheticAdapters.HIDDEN,
                            SyntheticAdapters.INTERMEDIATE,
                            16,
                            5,
                            1,
                            FULL_WARMUP_SECONDS,
                            true,
                            true,
                            cache,
                            EndToEnd.COMMANDS);
        }

        /** The same options with these end-to-end commands ({@link EndToEnd#COMMANDS}; none: no such section). */
        public Options withEndToEnd(List<String> commands) {
            return new Options(
                    layers,
                    hidden,
                    intermediate,
                    rank,
                    reps,
                    warmup,
                    warmupSeconds,
                    peer,
                    scaling,
                    cache,
                    List.copyOf(commands));
        }

        /** The same options with or without the peer. */
        public Options withPeer(boolean run) {
            return new Options(
                    layers, hidden, intermediate, rank, reps, warmup, warmupSeconds, run, scaling, cache, endToEnd);
        }

        /** The same options with or without the scaling sweeps. */
        public Options withScaling(boolean run) {
            return new Options(
                    layers, hidden, intermediate, rank, reps, warmup, warmupSeconds, peer, run, cache, endToEnd);
        }

        /** The same options with synthetic adapters of another rank. */
        public Options withRank(int r) {
            return new Options(
                    layers, hidden, intermediate, r, reps, warmup, warmupSeconds, peer, scaling, cache, endToEnd);
        }

        /** Whether the model is Llama-2-7B's width. */
        boolean llama7b() {
            return hidden == SyntheticAdapters.HIDDEN && intermediate == SyntheticAdapters.INTERMEDIATE;
        }

        /** A synthetic adapter of these options' model: {@code layers} layers, rank r, seed. */
        Path adapter(int layers, int rank, long seed) {
            return SyntheticAdapters.llama(cache, layers, hidden, intermediate, rank, seed);
        }
    }

    /** Runs {@code ops}, logging progress lines to {@code log}. */
    public static BenchReport run(Options o, List<BenchOp> ops, Consumer<String> log) {
        int needed = ops.stream().mapToInt(BenchOp::inputs).max().orElse(1);
        List<Path> adapters = new ArrayList<>();
        for (int i = 0; i < needed; i++) {
            log.accept("adapter " + (i + 1) + "/" + needed + ": " + o.layers() + " layers, rank " + o.rank());
            adapters.add(o.adapter(o.layers(), o.rank(), i + 1));
        }
        Path scratch = o.cache().resolve("scratch");
        log.accept("machine limits: memory bandwidth and peak product rate");
        MachineLimits limits = MachineLimits.measure(Engine.current().backend());
        List<SyntheticAdapters.Shape> shapes = Lora.load(adapters.get(0)).type().modules().values().stream()
                .map(m -> new SyntheticAdapters.Shape(m.name(), m.out(), m.in()))
                .toList();
        Map<String, OpWork> work = new LinkedHashMap<>();
        for (BenchOp op : ops) {
            WorkModel.of(op.name(), shapes, o.rank(), fileSize(adapters.get(0))).ifPresent(w -> work.put(op.name(), w));
        }
        List<OpResult> results = new ArrayList<>();
        for (BenchOp op : ops) {
            log.accept("ours: " + op.name());
            results.add(
                    measure(op, adapters.subList(0, op.inputs()), scratch, o.warmup(), o.warmupSeconds(), o.reps()));
        }
        Double dense = null;
        if (o.peer()) {
            // PEFT's dense path is the spectrum's reference: timed (minutes) only when the spectrum is
            boolean withDense = ops.stream().anyMatch(op -> op.name().equals("spectrum"));
            log.accept("numpy peer: "
                    + String.join(",", ops.stream().map(BenchOp::name).toList())
                    + (withDense ? ", dense_spectrum" : ""));
            List<String> args = new ArrayList<>(List.of(
                    "--adapters",
                    String.join(",", adapters.stream().map(Path::toString).toList()),
                    "--ops",
                    String.join(",", ops.stream().map(BenchOp::name).toList()) + (withDense ? ",dense_spectrum" : ""),
                    "--reps",
                    String.valueOf(o.reps()),
                    "--warmup",
                    String.valueOf(o.warmup()),
                    "--threads",
                    String.valueOf(Runtime.getRuntime().availableProcessors()),
                    "--rank",
                    String.valueOf(StandardOps.RANK),
                    "--tmp",
                    scratch.toString(),
                    "--bake-base",
                    SyntheticBases.folder(scratch).toString()));
            JsonNode peer = NumpyPeer.run(args, scratch, 3600);
            List<OpResult> withPeer = new ArrayList<>();
            for (OpResult r : results) {
                JsonNode p = peer.path("ops").path(r.op());
                withPeer.add(
                        p.has("median_s")
                                ? r.withPeer(
                                        p.get("median_s").asDouble(),
                                        p.path("extrapolated").asBoolean())
                                : r);
            }
            results = withPeer;
            JsonNode d = peer.path("ops").path("dense_spectrum");
            dense = d.has("median_s") ? d.get("median_s").asDouble() : null;
        }
        List<BenchReport.ScalingPoint> scaling = o.scaling() ? Scaling.run(o, ops, scratch, log) : List.of();
        List<CommandTiming> endToEnd = List.of();
        Optional<Path> lora = EndToEnd.launcher();
        if (!o.endToEnd().isEmpty() && lora.isPresent()) {
            endToEnd = EndToEnd.run(
                    lora.get(),
                    adapters.get(0),
                    EndToEnd.smallAdapter(adapters.get(0)),
                    o.endToEnd(),
                    o.reps(),
                    o.warmup(),
                    scratch,
                    log);
        } else if (!o.endToEnd().isEmpty()) {
            log.accept("end to end: skipped (not started by the lora launcher: no lora.home)");
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put(
                "adapter",
                (o.llama7b()
                                ? "Llama-2-7B shapes, "
                                : "Llama shapes at hidden " + o.hidden() + ", MLP " + o.intermediate()
                                        + " (smoke run), ")
                        + o.layers() + " layers (" + o.layers() * 7 + " modules), rank " + o.rank());
        setup.put("hidden", o.hidden());
        setup.put("intermediate", o.intermediate());
        setup.put("layers", o.layers());
        setup.put("modules", o.layers() * 7);
        setup.put("rank", o.rank());
        setup.put("adapter_file_bytes", fileSize(adapters.get(0)));
        setup.put("reps", o.reps());
        setup.put("warmup", o.warmup());
        setup.put("warmup_s", o.warmupSeconds());
        setup.put("parallelism", Lora.options().parallelism());
        return new BenchReport(
                machine(), Lora.backend(), jvm(), setup, results, dense, scaling, Optional.of(limits), work, endToEnd);
    }

    /**
     * Times one operation ({@code warmup} runs, then {@code reps} timed runs) and measures the memory of one more run
     * in a fresh JVM ({@link IsolatedMemory}).
     */
    static OpResult measure(BenchOp op, List<Path> inputs, Path scratch, int warmup, double warmupSeconds, int reps) {
        if (op.sampled()) {
            return measureSampled(op, inputs, scratch);
        }
        Runnable action = op.prepare(inputs, scratch);
        System.gc();
        Timing t = Timing.measure(action, warmup, warmupSeconds, reps);
        var memory = IsolatedMemory.measure(op, inputs, scratch);
        return new OpResult(
                op.name(),
                t,
                memory.map(m -> OptionalLong.of(m.peakBytes())).orElse(OptionalLong.empty()),
                memory.map(m -> OptionalLong.of(m.riseBytes())).orElse(OptionalLong.empty()),
                OptionalDouble.empty(),
                false);
    }

    /**
     * A sampled operation, timed once on a sample of each distinct shape of the first input (dense work takes seconds
     * per module): one module, or as many as the engine computes at once for {@link
     * BenchOp.Sampling#ENGINE_PARALLEL} (all of them in one run); every sample first runs once untimed, so that the
     * timed runs, like a whole run's modules after its first few, run compiled code. Extrapolated as Σ over shapes of
     * (time per module × modules of that shape), the numpy peer's rule for its sampled operations. Its memory is measured in this process
     * over those runs (a second run in a fresh JVM would double minutes of dense work); its dense matrices are fresh
     * native memory, so the rise is theirs.
     */
    static OpResult measureSampled(BenchOp op, List<Path> inputs, Path scratch) {
        int atOnce = op.sampling() == BenchOp.Sampling.ENGINE_PARALLEL
                ? Lora.options().parallelism()
                : 1;
        Map<String, List<String>> sampleOfShape = new LinkedHashMap<>();
        Map<String, Integer> countOfShape = new LinkedHashMap<>();
        for (var m : Lora.load(inputs.get(0)).type().modules().values()) {
            String shape = m.out() + "x" + m.in();
            List<String> sample = sampleOfShape.computeIfAbsent(shape, s -> new ArrayList<>());
            if (sample.size() < atOnce) {
                sample.add(m.name());
            }
            countOfShape.merge(shape, 1, Integer::sum);
        }
        System.gc();
        OptionalLong before = MemoryProbe.residentBytes();
        boolean reset = MemoryProbe.resetPeak();
        // every shape's sample runs once untimed before any is timed: the code they share is then compiled for all
        Map<String, Runnable> actions = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : sampleOfShape.entrySet()) {
            Runnable action = op.preparer().prepare(inputs, scratch, List.copyOf(e.getValue()));
            action.run();
            actions.put(e.getKey(), action);
        }
        double total = 0;
        int most = 0;
        for (Map.Entry<String, Runnable> e : actions.entrySet()) {
            int size = sampleOfShape.get(e.getKey()).size();
            double perModule = Timing.measure(e.getValue(), 0, 1).medianSeconds() / size;
            total += perModule * countOfShape.get(e.getKey());
            most = Math.max(most, size);
        }
        OptionalLong peak = reset ? MemoryProbe.peakBytes() : OptionalLong.empty();
        OptionalLong growth = peak.isPresent() && before.isPresent()
                ? OptionalLong.of(Math.max(0, peak.getAsLong() - before.getAsLong()))
                : OptionalLong.empty();
        return new OpResult(
                op.name(),
                new Timing(total, total, total, 1, 1),
                peak,
                growth,
                OptionalDouble.empty(),
                false,
                true,
                most);
    }

    static long fileSize(Path adapter) {
        try {
            return Files.size(adapter.resolve("adapter_model.safetensors"));
        } catch (IOException e) {
            return -1;
        }
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", procField(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        m.put(
                "memory_bytes",
                procField(Path.of("/proc/meminfo"), "MemTotal")
                        .map(s -> Long.parseLong(s.replace("kB", "").trim()) * 1024)
                        .orElse(-1L));
        return m;
    }

    static Map<String, Object> jvm() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("version", System.getProperty("java.version"));
        j.put("vendor", System.getProperty("java.vendor"));
        j.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        j.put("max_offheap_bytes", Pointer.maxBytes());
        return j;
    }

    private static Optional<String> procField(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
