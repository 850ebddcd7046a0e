package org.loralgebra.exec;

/**
 * Receives each module's values as soon as that module is done. Called from worker threads, in no particular order;
 * implementations must be thread-safe.
 */
@FunctionalInterface
public interface ModuleConsumer {
    /** The values of {@code module}, read through the run's {@link Root}s. */
    void accept(String module, ModuleValues values);
}
