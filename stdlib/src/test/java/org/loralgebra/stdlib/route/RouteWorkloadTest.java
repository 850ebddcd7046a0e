package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;

/** The benchmark's workload routes what a plain route with the same gate and batch routes. */
class RouteWorkloadTest {
    @Test
    void everyCommonModuleIsRoutedLikeAPlainRoute() {
        List<Adapter> experts = IntStream.range(0, 8)
                .mapToObj(e -> Lora.from(TestAdapters.random("e" + e, e, TestAdapters.shapes(3 + e % 2))))
                .toList();
        RouteWorkload w = RouteWorkload.prepare(experts, 64, 2, 5);
        assertEquals(List.of("layers.0.q", "layers.0.v", "layers.1.mlp"), w.modules());
        assertEquals(3 * 64, w.run());
        // q and v share their input width, hence their batch; the mlp module has its own
        assertSame(w.batch("layers.0.q"), w.batch("layers.0.v"));
        assertEquals(14, w.batch("layers.1.mlp").in());
        for (String m : w.modules()) {
            Routing r = w.run(m);
            Routing plain = Route.of(experts).gate(w.route(m).gate()).topK(2).apply(m, w.batch(m));
            assertArrayEquals(plain.outputValues(), r.outputValues(), m);
            assertEquals(Execution.MASKED, r.execution(), "AUTO with 8 experts of equal rank and k = 2");
        }
        RouteWorkload grouped = RouteWorkload.prepare(experts, List.of("layers.1.mlp"), 64, 2, 5, Execution.GROUPED);
        assertEquals(Execution.GROUPED, grouped.run("layers.1.mlp").execution());
        float[] a = grouped.run("layers.1.mlp").outputValues();
        float[] b = w.run("layers.1.mlp").outputValues();
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5 * (1 + Math.abs(b[i])), "grouped and masked agree");
        }
        RouteWorkload again = RouteWorkload.prepare(experts, 64, 2, 5);
        assertTrue(
                again.batch("layers.1.mlp")
                        .tensor()
                        .contentEquals(w.batch("layers.1.mlp").tensor()),
                "seeded");
    }
}
