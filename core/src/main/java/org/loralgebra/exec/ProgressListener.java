package org.loralgebra.exec;

/** Hears about a running plan, module by module. Called from worker threads; implementations must be thread-safe. */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = (done, total, module) -> {};

    /** The plan starts over {@code modules} modules. */
    default void started(int modules) {}

    /**
     * Work of another kind starts, counted in {@code unit} (a bake counts "tensors"); by default the same as
     * {@link #started(int)}.
     */
    default void started(int total, String unit) {
        started(total);
    }

    /** {@code done} of {@code total} modules are finished, {@code module} last. */
    void progressed(int done, int total, String module);

    /** The plan finished (or failed). */
    default void finished() {}
}
