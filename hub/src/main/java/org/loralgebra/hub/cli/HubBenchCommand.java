package org.loralgebra.hub.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.loralgebra.hub.JsonRows;
import org.loralgebra.hub.SimilarityOptions;
import org.loralgebra.hub.SparkHub;
import org.loralgebra.hub.SyntheticHub;
import org.loralgebra.hub.TaskCosts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora hub bench}: wall time of {@code stats} and {@code similarity} (output written) against the number of
 * generated adapters of a real shape ({@link SyntheticHub}) and the Spark master, with Spark's task metrics (executor
 * time, bytes shuffled and spilled, result bytes) and the bytes read and written: the measured per-adapter costs
 * the README's estimate for a large hub is worked from.
 */
@Command(
        name = "bench",
        description = {
            "Time stats and similarity over 50 .. 2,000 generated DistilBERT-shaped adapters (q_lin, v_lin, rank 8)",
            "in each master (local[1], local[2]); writes one JSON file."
        })
final class HubBenchCommand implements Callable<Integer> {
    @Option(
            names = "--sizes",
            split = ",",
            paramLabel = "N",
            defaultValue = "50,200,1000,2000",
            description = "Numbers of adapters (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--masters",
            split = ";",
            paramLabel = "URL",
            defaultValue = "local[1];local[2]",
            description = "Spark masters, separated by ';' (default ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(
            names = "--similarity-max",
            paramLabel = "N",
            defaultValue = "2000",
            description = "Time similarity only up to N adapters (its cost grows as N²; default ${DEFAULT-VALUE}).")
    int similarityMax;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = "${java.io.tmpdir}/lora-hub-bench",
            description = "Where the generated adapters are kept (reused between runs; default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            required = true,
            description = "The results (JSON).")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        Files.createDirectories(dir);
        err.println("lora hub bench: generating " + max + " adapters in " + dir);
        err.flush();
        List<String> all = SyntheticHub.write(dir, max);
        ObjectNode root = JsonRows.object();
        ObjectNode machine = root.putObject("machine");
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("load_average_before", loadAverage());
        root.put("adapter", "DistilBERT-base LoRA: 6 layers x (q_lin, v_lin), 768x768, rank 8, F32");
        root.put("adapter_bytes", bytes(Path.of(all.get(0))));
        ObjectNode starts = root.putObject("context_start_s");
        ArrayNode runs = root.putArray("runs");
        for (String master : masters) {
            long t0 = System.nanoTime();
            try (JavaSparkContext sc = SparkHub.context(master, "lora hub bench")) {
                JsonRows.put(starts, master, (System.nanoTime() - t0) / 1e9);
                TaskCosts costs = new TaskCosts();
                sc.sc().addSparkListener(costs);
                SparkHub hub = new SparkHub(sc);
                for (int n : sizes) {
                    List<String> paths = all.subList(0, n);
                    run(runs, err, costs, master, n, "stats", () -> hub.stats(paths));
                    if (n <= similarityMax) {
                        run(
                                runs,
                                err,
                                costs,
                                master,
                                n,
                                "similarity",
                                () -> hub.similarity(paths, SimilarityOptions.defaults()));
                    }
                }
            }
        }
        machine.put("load_average_after", loadAverage());
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, JsonRows.line(root) + "\n", StandardCharsets.UTF_8);
        err.println("lora hub bench: wrote " + output);
        err.flush();
        return HubCommand.OK;
    }

    private void run(
            ArrayNode runs,
            PrintWriter err,
            TaskCosts costs,
            String master,
            int n,
            String op,
            Supplier<Map<String, JavaRDD<String>>> analysis)
            throws IOException {
        Path out = Files.createTempDirectory("lora-hub-bench-out-");
        Files.delete(out);
        costs.drain();
        long t0 = System.nanoTime();
        HubOutput.at(out.toString(), false).writeSpark(analysis.get());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] c = costs.drain();
        ObjectNode r = runs.addObject();
        r.put("master", master);
        r.put("adapters", n);
        r.put("op", op);
        JsonRows.put(r, "seconds", seconds);
        r.put("tasks", c[0]);
        JsonRows.put(r, "executor_run_s", c[1] / 1e3);
        r.put("shuffle_written_bytes", c[2]);
        r.put("shuffle_read_bytes", c[3]);
        r.put("spilled_bytes", c[4]);
        r.put("result_bytes", c[5]);
        r.put("output_bytes", bytes(out));
        r.put("load_average", loadAverage());
        err.printf("lora hub bench: %s %s %d adapters: %.2f s%n", master, op, n, seconds);
        err.flush();
        delete(out);
    }

    private static long bytes(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            return walk.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static void delete(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
