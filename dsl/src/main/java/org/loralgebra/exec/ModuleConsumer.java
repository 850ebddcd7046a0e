package org.loralgebra.exec;

import java.util.List;

/**
 * Receives each module's results as soon as that module is done: {@code values.get(i)} is root i's value
 * ({@link ModuleFactors}, {@link ModuleSvd}, or null when root i lacks the module). Called from worker threads,
 * in no particular order; implementations must be thread-safe. The values' matrices are freed when
 * {@code accept} returns: copy out what you need, or pass a matrix to {@link Backend#keep} to hold on to it.
 */
@FunctionalInterface
public interface ModuleConsumer {
    void accept(String module, List<Object> values);
}
