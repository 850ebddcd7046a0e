package org.loralgebra.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** An adapter whose modules are held in memory, such as the result of {@code eval()}. */
public final class InMemoryAdapter implements AdapterSource {
    private final String label;
    private final AdapterType type;
    private final AdapterMeta meta;
    private final SortedMap<String, StoredModule> modules;

    /** An adapter of the given modules. */
    public InMemoryAdapter(String label, String baseModel, AdapterMeta meta, Map<String, StoredModule> modules) {
        this.label = label;
        this.modules = new TreeMap<>(ModuleOrder.INSTANCE);
        this.modules.putAll(modules);
        this.type = AdapterType.of(baseModel, this.modules.values().stream().map(StoredModule::spec).toList());
        this.meta = meta;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Optional<Path> location() {
        return Optional.empty();
    }

    @Override
    public AdapterType type() {
        return type;
    }

    @Override
    public AdapterMeta meta() {
        return meta;
    }

    @Override
    public java.util.OptionalDouble scale(String module) {
        StoredModule m = modules.get(module);
        return m == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(m.scale());
    }

    @Override
    public StoredModule read(String module) {
        StoredModule m = modules.get(module);
        if (m == null) {
            throw new AdapterTypeException("adapter '" + label + "' has no module '" + module + "'");
        }
        return m;
    }

    @Override
    public String toString() {
        return "InMemoryAdapter[" + label + ", " + modules.size() + " modules]";
    }
}
