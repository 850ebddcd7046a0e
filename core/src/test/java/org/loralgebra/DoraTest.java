package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** DoRA magnitude vectors are kept by load/select/eval and refused, with the way out named, by combining operations. */
class DoraTest {
    private static InMemoryAdapter dora() {
        InMemoryAdapter plain = TestAdapters.random("plain", 3, TestAdapters.shapes(2));
        StoredModule q = plain.read("layers.0.q");
        ModuleSpec s = q.spec();
        ModuleSpec doraSpec = new ModuleSpec(
                s.name(), ModuleKind.LINEAR, s.out(), s.in(), s.rank(), s.dtype(), new long[0], false, true, false);
        Tensor magnitude = Tensor.ofDoubles(DType.F32, new long[] {s.out()}, new double[s.out()]);
        StoredModule dq = new StoredModule(doraSpec, q.a(), q.b(), q.scale(), Optional.of(magnitude), Optional.empty());
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT, PeftConfig.lora(2, 4, "test-base"), "base_model.model.", Map.of(), Map.of());
        return new InMemoryAdapter(
                "dora-adapter", "test-base", meta, Map.of("layers.0.q", dq, "layers.0.v", plain.read("layers.0.v")));
    }

    @Test
    void combiningOperationsRefuseDoraAndSayHowToProceed() {
        Adapter d = Lora.from(dora());
        for (Runnable op : new Runnable[] {
            () -> d.plus(d), () -> d.times(2), () -> d.truncate(1), () -> d.project(d, Side.OUTPUT, 1)
        }) {
            AdapterTypeException e = assertThrows(AdapterTypeException.class, op::run);
            assertTrue(
                    e.getMessage().contains("dora-adapter")
                            && e.getMessage().contains("layers.0.q")
                            && e.getMessage().contains("withoutDora()"),
                    e.getMessage());
        }
    }

    @Test
    void loadSelectAndEvalKeepTheMagnitudeAndWithoutDoraDropsIt() {
        Adapter d = Lora.from(dora());
        Adapter kept = d.select("q").eval();
        assertTrue(kept.module("layers.0.q").dora());
        assertTrue(kept.source().orElseThrow().read("layers.0.q").magnitude().isPresent());
        Adapter dropped = d.withoutDora();
        assertFalse(dropped.module("layers.0.q").dora());
        Adapter sum = dropped.plus(dropped).eval();
        assertEquals(2, sum.module("layers.0.q").rank(), "d + d is planned as 2·d: rank 2, not 4");
        Dense.M expected = Dense.scale(TestAdapters.dense(dora().read("layers.0.q")), 2);
        assertBelow(
                Dense.relError(Dense.M.of(sum.dense("layers.0.q")), expected), 1e-5, "d + d = 2·ΔW: relative error");
    }
}
