package org.loralgebra.stdlib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.InMemoryAdapter;

/** stdlib sees core's API and its test kit (dense reference, random adapters). */
class BuildWiringTest {
    @Test
    void denseReferenceAndApiAgree() {
        InMemoryAdapter a = TestAdapters.random("a", 1, TestAdapters.shapes(2));
        double[] s = Lora.from(a).spectrum().module("layers.0.q");
        assertEquals(Dense.singularValues(TestAdapters.dense(a, "layers.0.q"))[0], s[0], 1e-5 * s[0]);
    }
}
