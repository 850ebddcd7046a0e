package org.loralgebra.exec;

/**
 * How plans run: modules evaluated in parallel by {@code parallelism} threads, with at most
 * {@code memoryBudgetBytes} of estimated working memory in flight (a module larger than the budget runs alone),
 * computing in {@code precision}.
 */
public record ExecutionOptions(int parallelism, long memoryBudgetBytes, Precision precision) {
    public ExecutionOptions {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
        }
        if (memoryBudgetBytes < 1) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetBytes);
        }
    }

    /** One thread per core, half of the off-heap limit ND4J allows, F32. */
    public static ExecutionOptions defaults() {
        long maxBytes = org.bytedeco.javacpp.Pointer.maxBytes();
        long budget = maxBytes > 0 ? maxBytes / 2 : 2L << 30;
        return new ExecutionOptions(Runtime.getRuntime().availableProcessors(), budget, Precision.F32);
    }

    /** The same options with another thread count. */
    public ExecutionOptions withParallelism(int threads) {
        return new ExecutionOptions(threads, memoryBudgetBytes, precision);
    }

    /** The same options with another memory budget. */
    public ExecutionOptions withMemoryBudget(long bytes) {
        return new ExecutionOptions(parallelism, bytes, precision);
    }

    /** The same options with another precision. */
    public ExecutionOptions withPrecision(Precision p) {
        return new ExecutionOptions(parallelism, memoryBudgetBytes, p);
    }
}
