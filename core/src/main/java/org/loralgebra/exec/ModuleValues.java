package org.loralgebra.exec;

import java.util.List;
import java.util.Optional;

/**
 * One module's values in a run, read through the {@link Root}s of the run's {@link Roots}. Matrices are freed when the
 * consumer returns: copy out what you need, or pass a matrix to {@link Backend#keep}.
 */
public final class ModuleValues {
    private final Roots roots;
    private final List<ModuleValue> values;

    ModuleValues(Roots roots, List<ModuleValue> values) {
        this.roots = roots;
        this.values = values;
    }

    /**
     * The root's value for this module, or null when that root lacks the module.
     *
     * @throws IllegalArgumentException when the root belongs to another run
     */
    public <V extends ModuleValue> V get(Root<V> root) {
        if (root.owner() != roots) {
            throw new IllegalArgumentException(root + " belongs to another run");
        }
        return root.type().cast(values.get(root.index()));
    }

    /** {@link #get} as an optional. */
    public <V extends ModuleValue> Optional<V> find(Root<V> root) {
        return Optional.ofNullable(get(root));
    }
}
