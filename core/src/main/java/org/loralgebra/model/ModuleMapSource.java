package org.loralgebra.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * What every adapter source holds besides its tensors: a label, where it was read from, its type and meta, and its
 * modules by name, each an entry {@code M} that knows the module's scale. {@link #read} looks a module up (a name the
 * adapter lacks is an {@link AdapterTypeException} naming the adapter and where it is) and leaves how the module's
 * tensors are produced to the subclass: held in memory ({@link InMemoryAdapter}) or read from a file.
 *
 * @param <M> what is known of one module before its tensors are read
 */
public abstract class ModuleMapSource<M> implements AdapterSource {
    private final String label;
    private final Optional<Path> location;
    private final AdapterType type;
    private final AdapterMeta meta;
    private final Map<String, M> modules;
    private final ToDoubleFunction<M> scaleOf;

    /**
     * A source of {@code modules}, kept in their iteration order.
     *
     * @param scaleOf a module's scale (alpha/r), known without reading its tensors
     */
    protected ModuleMapSource(
            String label,
            Optional<Path> location,
            AdapterType type,
            AdapterMeta meta,
            Map<String, M> modules,
            ToDoubleFunction<M> scaleOf) {
        this.label = label;
        this.location = location;
        this.type = type;
        this.meta = meta;
        this.modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
        this.scaleOf = scaleOf;
    }

    @Override
    public final String label() {
        return label;
    }

    @Override
    public final Optional<Path> location() {
        return location;
    }

    @Override
    public final AdapterType type() {
        return type;
    }

    @Override
    public final AdapterMeta meta() {
        return meta;
    }

    /** Every module's entry by name, in the order given. */
    protected final Map<String, M> modules() {
        return modules;
    }

    @Override
    public final OptionalDouble scale(String module) {
        M m = modules.get(module);
        return m == null ? OptionalDouble.empty() : OptionalDouble.of(scaleOf.applyAsDouble(m));
    }

    /**
     * Reads one module's tensors ({@link #read(String, Object)}).
     *
     * @throws AdapterTypeException naming the adapter (and its location) when it has no such module
     */
    @Override
    public final StoredModule read(String module) {
        M m = modules.get(module);
        if (m == null) {
            throw new AdapterTypeException("adapter '" + label + "'"
                    + location.map(l -> " (" + l + ")").orElse("") + " has no module '" + module + "'");
        }
        return read(module, m);
    }

    /** The tensors of {@code module}, whose entry is {@code entry}. */
    protected abstract StoredModule read(String module, M entry);
}
