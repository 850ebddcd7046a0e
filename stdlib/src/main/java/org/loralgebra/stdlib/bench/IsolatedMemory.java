package org.loralgebra.stdlib.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.LoraException;

/**
 * The memory of one run of an operation, measured in a fresh JVM started with this JVM's options and class path
 * (what a user running the operation as a command would see): the resident size once the inputs are prepared and
 * a full GC has run, and the peak while the operation ran once. In a long-lived process the heap and native pools
 * that earlier operations grew are resident already and would hide an operation's own memory; garbage they left
 * would be counted as its.
 */
public final class IsolatedMemory {
    /** Resident bytes before the run and the peak during it. */
    public record Measurement(long beforeBytes, long peakBytes) {
        /** How far the run raised the resident size. */
        public long riseBytes() {
            return Math.max(0, peakBytes - beforeBytes);
        }
    }

    private static final String PREFIX = "lora-bench-memory ";

    private IsolatedMemory() {}

    /** Runs {@code op} once over {@code inputs} in a child JVM; empty where the platform gives no peak. */
    public static Optional<Measurement> measure(BenchOp op, List<Path> inputs, Path scratch) {
        if (MemoryProbe.peakBytes().isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent:")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                IsolatedMemory.class.getName(),
                op.name(),
                scratch.toString()));
        inputs.forEach(p -> cmd.add(p.toString()));
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "memory-", ".out");
            try {
                ProcessBuilder pb =
                        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
                // the child computes on the backend this run chose (--backend cuda, say), not on the default one
                pb.environment()
                        .put(ExecutionOptions.BACKEND_ENV, Lora.options().backend());
                Process p = pb.start();
                if (!p.waitFor(3600, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new LoraException("bench: the memory run of " + op.name() + " ran past an hour");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (line.startsWith(PREFIX)) {
                        long[] v = Arrays.stream(
                                        line.substring(PREFIX.length()).trim().split(" "))
                                .mapToLong(Long::parseLong)
                                .toArray();
                        return Optional.of(new Measurement(v[0], v[1]));
                    }
                }
                throw new LoraException("bench: the memory run of " + op.name() + " failed (exit " + p.exitValue()
                        + "): " + text.strip());
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new LoraException("bench: cannot start the memory run of " + op.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoraException("bench: interrupted", e);
        }
    }

    /** Child entry point: {@code OP SCRATCH INPUT...}; prints one line {@code lora-bench-memory BEFORE PEAK}. */
    public static void main(String[] args) {
        BenchOp op = BenchOps.named(args[0]);
        Path scratch = Path.of(args[1]);
        List<Path> inputs = Arrays.stream(args, 2, args.length).map(Path::of).toList();
        Lora.backend();
        Runnable action = op.prepare(inputs, scratch);
        System.gc();
        OptionalLong before = MemoryProbe.residentBytes();
        if (!MemoryProbe.resetPeak() || before.isEmpty()) {
            System.exit(1);
        }
        action.run();
        System.out.println(
                PREFIX + before.getAsLong() + " " + MemoryProbe.peakBytes().orElseThrow());
        System.exit(0);
    }
}
