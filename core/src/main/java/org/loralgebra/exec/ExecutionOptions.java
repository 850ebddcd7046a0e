package org.loralgebra.exec;

import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.lang.Precision;

/**
 * How plans run: on the backend named {@code backend} ({@code cpu}, {@code cuda}: a {@link BackendProvider} found on
 * the class path), modules evaluated in parallel by {@code parallelism} threads, with at most
 * {@code memoryBudgetBytes} of estimated working memory in flight (a module larger than the budget runs alone),
 * computing in {@code precision}.
 */
public record ExecutionOptions(String backend, int parallelism, long memoryBudgetBytes, Precision precision) {
    /** The environment variable that chooses the backend when the options do not: {@code cpu} or {@code cuda}. */
    public static final String BACKEND_ENV = "LORA_BACKEND";
    /** The backend used when none is chosen. */
    public static final String DEFAULT_BACKEND = "cpu";

    public ExecutionOptions {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException(
                    "backend must be named (cpu, cuda), got " + (backend == null ? "none" : "''"));
        }
        backend = backend.trim().toLowerCase(Locale.ROOT);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
        }
        if (memoryBudgetBytes < 1) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetBytes);
        }
    }

    /** {@link #defaults()}'s backend, with the given threads, budget and precision. */
    public ExecutionOptions(int parallelism, long memoryBudgetBytes, Precision precision) {
        this(defaultBackend(), parallelism, memoryBudgetBytes, precision);
    }

    /**
     * The backend named by {@value #BACKEND_ENV}, else {@value #DEFAULT_BACKEND}; one thread per core, half of the
     * off-heap limit JavaCPP allows, F32.
     */
    public static ExecutionOptions defaults() {
        long maxBytes = Pointer.maxBytes();
        long budget = maxBytes > 0 ? maxBytes / 2 : 2L << 30;
        return new ExecutionOptions(
                defaultBackend(), Runtime.getRuntime().availableProcessors(), budget, Precision.F32);
    }

    private static String defaultBackend() {
        String env = System.getenv(BACKEND_ENV);
        return env == null || env.isBlank() ? DEFAULT_BACKEND : env;
    }

    /** The same options on another backend ({@code cpu}, {@code cuda}). */
    public ExecutionOptions withBackend(String name) {
        return new ExecutionOptions(name, parallelism, memoryBudgetBytes, precision);
    }

    /** The same options with another thread count. */
    public ExecutionOptions withParallelism(int threads) {
        return new ExecutionOptions(backend, threads, memoryBudgetBytes, precision);
    }

    /** The same options with another memory budget. */
    public ExecutionOptions withMemoryBudget(long bytes) {
        return new ExecutionOptions(backend, parallelism, bytes, precision);
    }

    /** The same options with another precision. */
    public ExecutionOptions withPrecision(Precision p) {
        return new ExecutionOptions(backend, parallelism, memoryBudgetBytes, p);
    }
}
