package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.function.LongSupplier;

/** Wall-clock times of the repetitions of one operation, after warm-up: median, min, max. */
public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int reps, int warmup) {
    /** The most untimed runs a warm-up of some seconds makes. */
    static final int MAX_WARMUP = 100;

    /** Runs {@code op} {@code warmup} times untimed, then {@code reps} times timed. */
    public static Timing measure(Runnable op, int warmup, int reps) {
        return measure(op, warmup, 0, reps, System::nanoTime);
    }

    /**
     * Runs {@code op} untimed at least {@code warmup} times and until {@code warmupSeconds} have passed (at most
     * {@value #MAX_WARMUP} runs), then {@code reps} times timed. A short operation in a fresh JVM is otherwise timed
     * while the JIT is still compiling it beside it: measured on a 2-core AMD EPYC, the spectrum of the 7B adapter
     * took 150–200 ms in its first six runs and settled near 120 ms after about twenty (2–3 s).
     */
    public static Timing measure(Runnable op, int warmup, double warmupSeconds, int reps) {
        return measure(op, warmup, warmupSeconds, reps, System::nanoTime);
    }

    /** {@link #measure(Runnable, int, double, int)} on {@code clock} (nanoseconds). */
    static Timing measure(Runnable op, int warmup, double warmupSeconds, int reps, LongSupplier clock) {
        long warmupStart = clock.getAsLong();
        int warmed = 0;
        while (warmed < warmup || (warmed < MAX_WARMUP && (clock.getAsLong() - warmupStart) / 1e9 < warmupSeconds)) {
            op.run();
            warmed++;
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = clock.getAsLong();
            op.run();
            t[i] = (clock.getAsLong() - start) / 1e9;
        }
        Arrays.sort(t);
        double median = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        return new Timing(median, t[0], t[reps - 1], reps, warmed);
    }

    /** Writes {@code median_s}, {@code min_s}, {@code max_s}, {@code reps}, {@code warmup} into {@code o}. */
    public void writeTo(ObjectNode o) {
        o.put("median_s", medianSeconds);
        o.put("min_s", minSeconds);
        o.put("max_s", maxSeconds);
        o.put("reps", reps);
        o.put("warmup", warmup);
    }

    /** A timing read back from what {@link #writeTo} wrote (missing counts read as 0). */
    public static Timing of(JsonNode o) {
        return new Timing(
                o.path("median_s").asDouble(),
                o.path("min_s").asDouble(),
                o.path("max_s").asDouble(),
                o.path("reps").asInt(),
                o.path("warmup").asInt());
    }
}
