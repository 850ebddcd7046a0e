package org.loralgebra.exec;

import java.util.List;
import java.util.Optional;
import org.loralgebra.graph.ModuleKernel;
import org.loralgebra.model.ModuleSpec;

/**
 * A {@link ModuleKernel} that can be run: how it computes one module on a {@link Backend}. Its typing (name, output
 * type, cost) stays in the graph layer; this is its execution. Every kernel handed to
 * {@link org.loralgebra.graph.ModuleMap} by the library implements it.
 */
public interface ExecutableKernel extends ModuleKernel {
    /**
     * Computes one module. {@code inputs} holds, per input adapter, its factors for this module or empty when
     * that adapter lacks the module; {@code out} is the module's output type (rank an upper bound).
     */
    ModuleFactors apply(Backend backend, ModuleSpec out, List<Optional<ModuleFactors>> inputs);
}
