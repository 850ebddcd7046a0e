package org.loralgebra.stdlib.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One benchmarked operation: its name (as the numpy peer names it), how many input adapters it takes, and
 * how to run it once over those inputs. {@link #prepare} does untimed set-up (such as computing what
 * {@code save} writes) and returns the timed action.
 */
public record BenchOp(String name, int inputs, Preparer preparer) {
    /** Untimed set-up returning the timed action. */
    @FunctionalInterface
    public interface Preparer {
        Runnable prepare(List<Path> adapters, Path scratch);
    }

    /** The timed action for these inputs. */
    public Runnable prepare(List<Path> adapters, Path scratch) {
        return preparer.prepare(adapters, scratch);
    }
}
