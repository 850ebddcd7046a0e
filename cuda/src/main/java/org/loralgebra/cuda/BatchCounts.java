package org.loralgebra.cuda;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the batch operations of a {@link CudaBackend} ran, per operation: the batched device calls (each one launch
 * sequence for many matrices) and how many matrices they took, and the matrices that went one at a time instead
 * (shapes the batched routines do not take, lone matrices, fallbacks), and the batch operations that failed. What the
 * device run prints to say whether batching happened.
 */
final class BatchCounts {
    private final Map<String, long[]> counts = new TreeMap<>();
    private final Map<String, Long> failures = new TreeMap<>();
    private final Map<String, String> firstFailure = new TreeMap<>();

    /** One batched call of {@code op} over {@code matrices} matrices. */
    synchronized void batched(String op, int matrices) {
        long[] c = counts.computeIfAbsent(op, k -> new long[3]);
        c[0]++;
        c[1] += matrices;
    }

    /** {@code matrices} matrices of a batch of {@code op} computed one at a time. */
    synchronized void single(String op, int matrices) {
        counts.computeIfAbsent(op, k -> new long[3])[2] += matrices;
    }

    /**
     * A batch operation {@code op} that failed with {@code message} (the engine then redoes the batch module by
     * module); the first message of each operation is kept for the summary.
     */
    synchronized void failed(String op, String message) {
        counts.computeIfAbsent(op, k -> new long[3]);
        failures.merge(op, 1L, Long::sum);
        firstFailure.putIfAbsent(op, message);
    }

    /** Batched calls of {@code op} so far. */
    synchronized long calls(String op) {
        long[] c = counts.get(op);
        return c == null ? 0 : c[0];
    }

    /** Matrices the batched calls of {@code op} took so far. */
    synchronized long matrices(String op) {
        long[] c = counts.get(op);
        return c == null ? 0 : c[1];
    }

    /** Matrices of {@code op} batches computed one at a time so far. */
    synchronized long singles(String op) {
        long[] c = counts.get(op);
        return c == null ? 0 : c[2];
    }

    /**
     * One line: per operation, batched calls, the matrices they took, the matrices taken one at a time, and failures
     * with the first one's message.
     */
    synchronized String summary() {
        if (counts.isEmpty()) {
            return "no batch operation called";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((op, c) -> sb.append(sb.length() == 0 ? "" : "; ")
                .append(op)
                .append(": ")
                .append(c[0])
                .append(" batched calls over ")
                .append(c[1])
                .append(" matrices, ")
                .append(c[2])
                .append(" one at a time")
                .append(
                        failures.containsKey(op)
                                ? ", " + failures.get(op) + " failed (first: " + firstFailure.get(op) + ")"
                                : ""));
        return sb.toString();
    }
}
