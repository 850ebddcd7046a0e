package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.graph.Decompose;

/** Roots give each module's values typed: factors for adapters, SVDs for decompositions, never a cast by position. */
class RootsTest {
    private final Adapter a = Lora.from(TestAdapters.random("a", 4, TestAdapters.shapes(3)));

    @Test
    void valuesAreReadThroughTypedRoots() {
        Roots roots = new Roots();
        Root<ModuleFactors> update = roots.factors(a.node());
        Root<ModuleSvd> svd = roots.svd(new Decompose(a.node()));
        Map<String, Double> largest = new ConcurrentHashMap<>();
        Map<String, Integer> ranks = new ConcurrentHashMap<>();
        Lora.evaluate(roots, (module, values) -> {
            ranks.put(module, values.get(update).rank());
            largest.put(module, values.get(svd).s()[0]);
        });
        assertEquals(a.modules(), ranks.keySet());
        for (String m : a.modules()) {
            assertEquals(3, ranks.get(m));
            double sigma = a.spectrum().values().get(m)[0];
            assertEquals(sigma, largest.get(m), 1e-6 * sigma, m + ": σ₁ through the root");
        }
    }

    @Test
    void aRootOfTheWrongKindOrOfAnotherRunIsRefused() {
        Roots roots = new Roots();
        assertThrows(IllegalArgumentException.class, () -> roots.svd(a.node()), "an adapter gives factors, not an SVD");
        assertThrows(IllegalArgumentException.class, () -> roots.factors(new Decompose(a.node())));
        Root<ModuleFactors> elsewhere = new Roots().factors(a.node());
        roots.factors(a.node());
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> Lora.evaluate(roots, (m, v) -> v.get(elsewhere)));
        assertTrue(
                String.valueOf(e.getMessage()).contains("another run")
                        || String.valueOf(e.getCause()).contains("another run"),
                String.valueOf(e));
    }
}
