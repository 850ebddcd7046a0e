package org.loralgebra.model;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** An adapter whose modules are held in memory, such as the result of {@code eval()}; modules in module order. */
public final class InMemoryAdapter extends ModuleMapSource<StoredModule> {
    /** An adapter of the given modules. */
    public InMemoryAdapter(String label, String baseModel, AdapterMeta meta, Map<String, StoredModule> modules) {
        this(label, baseModel, meta, sorted(modules));
    }

    private InMemoryAdapter(String label, String baseModel, AdapterMeta meta, SortedMap<String, StoredModule> modules) {
        super(
                label,
                Optional.empty(),
                AdapterType.of(
                        baseModel,
                        modules.values().stream().map(StoredModule::spec).toList()),
                meta,
                modules,
                StoredModule::scale);
    }

    private static SortedMap<String, StoredModule> sorted(Map<String, StoredModule> modules) {
        SortedMap<String, StoredModule> out = new TreeMap<>(ModuleOrder.INSTANCE);
        out.putAll(modules);
        return out;
    }

    /** The module as it is held. */
    @Override
    protected StoredModule read(String module, StoredModule entry) {
        return entry;
    }

    @Override
    public String toString() {
        return "InMemoryAdapter[" + label() + ", " + modules().size() + " modules]";
    }
}
