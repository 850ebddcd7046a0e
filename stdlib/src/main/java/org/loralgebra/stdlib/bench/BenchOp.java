package org.loralgebra.stdlib.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One benchmarked operation: its name (as the numpy peer names it), how many input adapters it takes, and
 * how to run it once over those inputs. {@link #prepare} does untimed set-up (such as computing what
 * {@code save} writes) and returns the timed action. A {@link #sampled} operation (dense work, minutes per full
 * run) is timed on one module per distinct shape and extrapolated by shape, exactly as the peer does.
 */
public record BenchOp(String name, int inputs, Preparer preparer, boolean sampled) {
    /** Untimed set-up returning the timed action; {@code module} is null for whole-adapter operations. */
    @FunctionalInterface
    public interface Preparer {
        Runnable prepare(List<Path> adapters, Path scratch, String module);
    }

    /** A whole-adapter operation. */
    public static BenchOp whole(String name, int inputs, WholePreparer preparer) {
        return new BenchOp(name, inputs, (in, scratch, module) -> preparer.prepare(in, scratch), false);
    }

    /** An operation timed on one module per distinct shape, extrapolated by shape. */
    public static BenchOp sampled(String name, int inputs, Preparer preparer) {
        return new BenchOp(name, inputs, preparer, true);
    }

    /** Set-up of a whole-adapter operation. */
    @FunctionalInterface
    public interface WholePreparer {
        Runnable prepare(List<Path> adapters, Path scratch);
    }

    /** The timed action for these inputs (whole-adapter operations). */
    public Runnable prepare(List<Path> adapters, Path scratch) {
        return preparer.prepare(adapters, scratch, null);
    }
}
