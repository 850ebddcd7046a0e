package org.loralgebra.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * A module-wise operation over N adapters, the extension point of the standard library (merges, clustering,
 * orthogonalization), as the graph and the planner see it: its name, the type of its output, its cost. It must be a
 * function of the same module of its inputs only, deterministic (seeded randomness derived from the module name), and
 * its output type known before running. How it computes a module is {@code exec.ExecutableKernel}, which every kernel
 * that is run implements. Implement it as a record so that equal kernels are equal values (the planner reuses equal
 * sub-expressions).
 */
public interface ModuleKernel {
    /** One line for plans: name and parameters. */
    String describe();

    /**
     * The output type, from the inputs' types (checked here: throw {@link org.loralgebra.model.AdapterTypeException}
     * naming the inputs when they do not fit). The default is the union of the inputs, rank = max.
     */
    default AdapterType outputType(List<String> labels, List<AdapterType> inputs) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        return AdapterType.union(
                ops, specs -> specs.stream().mapToInt(ModuleSpec::rank).max().orElse(0));
    }

    /** Estimated floating-point operations for one module (for plans); default: none known. */
    default double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        return 0;
    }
}
