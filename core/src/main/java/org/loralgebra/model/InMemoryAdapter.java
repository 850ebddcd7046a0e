package org.loralgebra.model;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.Tensor;

/**
 * An adapter whose modules are held in memory, such as the result of {@code eval()}; modules in module order. Its
 * tensors are screened as the readers screen a file's: a factor that holds NaN, ±∞ or a magnitude of at least
 * {@link Tensor#LARGE} = 2⁶⁴, or a DoRA magnitude or bias that is not finite, is refused (a {@link LoraException}
 * naming the adapter, module, tensor, index and value), so that no operation meets one.
 */
public final class InMemoryAdapter extends ModuleMapSource<StoredModule> {
    /** An adapter of the given modules. */
    public InMemoryAdapter(String label, String baseModel, AdapterMeta meta, Map<String, StoredModule> modules) {
        this(label, baseModel, meta, screened(label, sorted(modules)));
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

    private static SortedMap<String, StoredModule> screened(String label, SortedMap<String, StoredModule> modules) {
        for (StoredModule m : modules.values()) {
            refuse(label, m, "lora_A", m.a(), Tensor.firstNonFiniteOrLarge(m.a().dtype(), m.a().bytes()));
            refuse(label, m, "lora_B", m.b(), Tensor.firstNonFiniteOrLarge(m.b().dtype(), m.b().bytes()));
            m.magnitude().ifPresent(t -> refuse(label, m, "the DoRA magnitude", t, t.firstNonFinite()));
            m.loraBias().ifPresent(t -> refuse(label, m, "the LoRA bias", t, t.firstNonFinite()));
        }
        return modules;
    }

    private static void refuse(String label, StoredModule m, String tensor, Tensor t, long bad) {
        if (bad >= 0) {
            double value = t.toDoubleArray()[(int) bad];
            throw new LoraException("adapter '" + label + "': " + tensor + " of module '"
                    + m.spec().name() + "' holds "
                    + value + " at flat index " + bad + " (" + t.dtype() + Arrays.toString(t.shape())
                    + "); factors must be finite and of magnitude below 2^64, as when read from a file");
        }
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
