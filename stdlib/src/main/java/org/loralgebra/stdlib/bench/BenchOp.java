package org.loralgebra.stdlib.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One benchmarked operation: its name (as the numpy peer names it), how many input adapters it takes, how to run it
 * once over those inputs, and whether it is timed whole or on a sample of modules ({@link Sampling}).
 * {@link #prepare} does untimed set-up (such as computing what {@code save} writes) and returns the timed action.
 */
public record BenchOp(String name, int inputs, Preparer preparer, Sampling sampling) {
    /**
     * How an operation is timed. A sampled operation (dense work, minutes per full run) is timed once on a few
     * modules of each distinct shape and extrapolated by shape: Σ over shapes of (time per module × modules of that
     * shape), the peer's rule.
     */
    public enum Sampling {
        /** Timed over every module. */
        WHOLE,
        /** One module per shape, alone: the operation's own work on one module uses every core (bake). */
        ONE_MODULE,
        /**
         * As many modules of each shape at once as the engine computes at once ({@code parallelism}, one per core by
         * default), as the whole run computes them; the time per module is the run's time over their number. Timing
         * one module alone would leave the cores the engine gives other modules idle during its single-threaded
         * element-wise work (a 7B ties_svd read 407 s that way, and took 205 s whole).
         */
        ENGINE_PARALLEL
    }

    /** Untimed set-up returning the timed action; {@code modules} is empty for whole-adapter operations. */
    @FunctionalInterface
    public interface Preparer {
        Runnable prepare(List<Path> adapters, Path scratch, List<String> modules);
    }

    /** Set-up of a whole-adapter operation. */
    @FunctionalInterface
    public interface WholePreparer {
        Runnable prepare(List<Path> adapters, Path scratch);
    }

    /** Set-up of an operation timed on one module. */
    @FunctionalInterface
    public interface ModulePreparer {
        Runnable prepare(List<Path> adapters, Path scratch, String module);
    }

    /** A whole-adapter operation. */
    public static BenchOp whole(String name, int inputs, WholePreparer preparer) {
        return new BenchOp(name, inputs, (in, scratch, modules) -> preparer.prepare(in, scratch), Sampling.WHOLE);
    }

    /** An operation timed on one module per distinct shape, alone, extrapolated by shape. */
    public static BenchOp sampled(String name, int inputs, ModulePreparer preparer) {
        return new BenchOp(
                name,
                inputs,
                (in, scratch, modules) -> {
                    if (modules.size() != 1) {
                        throw new IllegalArgumentException(name + " is timed on one module at a time, got " + modules);
                    }
                    return preparer.prepare(in, scratch, modules.get(0));
                },
                Sampling.ONE_MODULE);
    }

    /**
     * An operation timed on as many modules of each distinct shape at once as the engine computes at once,
     * extrapolated by shape from the time per module.
     */
    public static BenchOp sampledInParallel(String name, int inputs, Preparer preparer) {
        return new BenchOp(name, inputs, preparer, Sampling.ENGINE_PARALLEL);
    }

    /** Whether the operation is timed on a sample of modules and extrapolated. */
    public boolean sampled() {
        return sampling != Sampling.WHOLE;
    }

    /** The timed action for these inputs (whole-adapter operations). */
    public Runnable prepare(List<Path> adapters, Path scratch) {
        return preparer.prepare(adapters, scratch, List.of());
    }
}
