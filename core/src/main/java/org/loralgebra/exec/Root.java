package org.loralgebra.exec;

/**
 * A handle on one of the nodes a run computes, typed by what that node gives per module: read its value for a
 * module with {@link ModuleValues#get}. Made by {@link Roots#factors} or {@link Roots#svd}.
 *
 * @param <V> {@link ModuleFactors} or {@link ModuleSvd}
 */
public final class Root<V extends ModuleValue> {
    private final Roots owner;
    private final int index;
    private final Class<V> type;

    Root(Roots owner, int index, Class<V> type) {
        this.owner = owner;
        this.index = index;
        this.type = type;
    }

    Roots owner() {
        return owner;
    }

    int index() {
        return index;
    }

    Class<V> type() {
        return type;
    }

    @Override
    public String toString() {
        return "root " + index + " (" + type.getSimpleName() + ")";
    }
}
