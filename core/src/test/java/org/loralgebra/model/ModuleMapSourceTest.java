package org.loralgebra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The part every adapter source shares ({@link ModuleMapSource}), through both of them: an adapter in memory and
 * one on disk look modules up, give their scales and refuse a module they lack in the same way.
 */
class ModuleMapSourceTest {
    @Test
    void anAdapterInMemoryListsItsModulesInModuleOrderAndHoldsThemAsGiven() {
        InMemoryAdapter shuffled = TestAdapters.random("x", 5, TestAdapters.shapes(2));
        Map<String, StoredModule> reversed = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(shuffled.type().names());
        for (int i = names.size() - 1; i >= 0; i--) {
            reversed.put(names.get(i), shuffled.read(names.get(i)));
        }
        ModuleSpec tenth = ModuleSpec.linear("layers.10.q", 3, 4, 1, DType.F32);
        StoredModule t = StoredModule.of(
                tenth,
                Tensor.ofDoubles(DType.F32, new long[] {1, 4}, new double[4]),
                Tensor.ofDoubles(DType.F32, new long[] {3, 1}, new double[3]),
                0.75);
        reversed.put(tenth.name(), t);
        InMemoryAdapter a = new InMemoryAdapter("x", "test-base", shuffled.meta(), reversed);
        assertEquals(
                List.of("layers.0.q", "layers.0.v", "layers.1.mlp", "layers.10.q"),
                new ArrayList<>(a.type().names()));
        assertSame(t, a.read("layers.10.q"), "held, not copied");
        assertEquals(OptionalDouble.of(0.75), a.scale("layers.10.q"));
        assertEquals(OptionalDouble.of(0.5), a.scale("layers.1.mlp"));
        assertEquals(OptionalDouble.empty(), a.scale("layers.2.q"));
        assertEquals(Optional.empty(), a.location());
        assertEquals("x", a.label());
        AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> a.read("layers.2.q"));
        assertEquals("adapter 'x' has no module 'layers.2.q'", e.getMessage());
    }

    @Test
    void anAdapterInMemoryRefusesWhatAReaderRefusesInAFile() {
        ModuleSpec spec = ModuleSpec.linear("layers.0.q", 3, 4, 2, DType.F32);
        double[] a = {0.5, -1, 2, 0.25, 1, 1, -3, 4};
        double[] b = {1, 0, -1, 2, 0.5, 0.5};
        LoraException nan = assertThrows(LoraException.class, () -> inMemory(spec, a, with(b, 3, Double.NaN)));
        assertEquals(
                "adapter 'm': lora_B of module 'layers.0.q' holds NaN at flat index 3 (F32[3, 2]); factors must be"
                        + " finite and of magnitude below 2^64, as when read from a file",
                nan.getMessage());
        LoraException large = assertThrows(LoraException.class, () -> inMemory(spec, with(a, 6, 0x1p64), b));
        assertTrue(
                large.getMessage()
                        .startsWith(
                                "adapter 'm': lora_A of module 'layers.0.q' holds 1.8446744073709552E19 at flat index 6"),
                large.getMessage());
        assertThrows(LoraException.class, () -> inMemory(spec, with(a, 0, Double.NEGATIVE_INFINITY), b));
        StoredModule dora = new StoredModule(
                spec,
                Tensor.ofDoubles(DType.F32, new long[] {2, 4}, a),
                Tensor.ofDoubles(DType.F32, new long[] {3, 2}, b),
                1.0,
                Optional.of(Tensor.ofDoubles(DType.F32, new long[] {3}, new double[] {1, Double.POSITIVE_INFINITY, 1})),
                Optional.empty());
        LoraException magnitude = assertThrows(
                LoraException.class,
                () -> new InMemoryAdapter(
                        "m",
                        "base",
                        TestAdapters.random("x", 1, TestAdapters.shapes(1)).meta(),
                        Map.of(spec.name(), dora)));
        assertTrue(
                magnitude
                        .getMessage()
                        .contains("the DoRA magnitude of module 'layers.0.q' holds Infinity at flat" + " index 1"),
                magnitude.getMessage());
        assertEquals(
                List.of("layers.0.q"),
                new ArrayList<>(inMemory(spec, with(a, 6, 1.8e19), b).type().names()),
                "just below 2^64 is accepted");
    }

    private static InMemoryAdapter inMemory(ModuleSpec spec, double[] a, double[] b) {
        StoredModule m = StoredModule.of(
                spec,
                Tensor.ofDoubles(DType.F32, new long[] {spec.rank(), spec.in()}, a),
                Tensor.ofDoubles(DType.F32, new long[] {spec.out(), spec.rank()}, b),
                1.0);
        return new InMemoryAdapter(
                "m", "base", TestAdapters.random("x", 1, TestAdapters.shapes(1)).meta(), Map.of(spec.name(), m));
    }

    private static double[] with(double[] values, int at, double value) {
        double[] out = values.clone();
        out[at] = value;
        return out;
    }

    @Test
    void anAdapterOnDiskSaysWhereItIsWhenItLacksAModule() {
        Path folder = RealAdapters.path("distilbert-imdb");
        StoredAdapter a = PeftFolder.read(folder, LoadOptions.defaults());
        String q = "distilbert.transformer.layer.0.attention.q_lin";
        assertEquals(Optional.of(folder), a.location());
        assertEquals(OptionalDouble.of(2.0), a.scale(q), "lora_alpha 16 / r 8, from the config alone");
        assertEquals(a.moduleTensors().keySet(), a.type().modules().keySet());
        assertEquals(a.scale(q).getAsDouble(), a.read(q).scale());
        AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> a.read("classifier"));
        assertEquals("adapter '" + a.label() + "' (" + folder + ") has no module 'classifier'", e.getMessage());
        assertTrue(a.toString().startsWith(a.label() + " (" + folder + ", 12 modules)"), a.toString());
    }
}
