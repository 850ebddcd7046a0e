package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/** Wall-clock times of the repetitions of one operation, after warm-up: median, min, max. */
public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int reps, int warmup) {
    /** Runs {@code op} {@code warmup} times untimed, then {@code reps} times timed. */
    public static Timing measure(Runnable op, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        double median = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        return new Timing(median, t[0], t[reps - 1], reps, warmup);
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
