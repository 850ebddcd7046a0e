package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.Precision;

/** Options for one block of code: in force on the calling thread and on the module threads of its runs, nowhere else. */
class ScopedOptionsTest {
    private final Adapter a = Lora.from(TestAdapters.random("a", 21, TestAdapters.shapes(3)));

    @Test
    void aScopedPrecisionReachesTheModuleThreadsAndEndsWithTheBlock() {
        ExecutionOptions session = Lora.options();
        assertNotEquals(Precision.F64, session.precision(), "the test assumes an F32 session");
        Set<Precision> seenOnModuleThreads = ConcurrentHashMap.newKeySet();
        Set<Precision> matrices = ConcurrentHashMap.newKeySet();
        Precision inside = Lora.withOptions(session.withPrecision(Precision.F64).withParallelism(2), () -> {
            Roots roots = new Roots();
            Root<ModuleFactors> update = roots.factors(a.node());
            Lora.evaluate(roots, (module, values) -> {
                seenOnModuleThreads.add(Engine.current().options().precision());
                matrices.add(Engine.current().backend().precision());
                values.get(update);
            });
            return Lora.options().precision();
        });
        assertEquals(Precision.F64, inside);
        assertEquals(Set.of(Precision.F64), seenOnModuleThreads, "module threads run under the block's options");
        assertEquals(Set.of(Precision.F64), matrices);
        assertEquals(session, Lora.options(), "the session's options are untouched after the block");
        assertTrue(
                Lora.withOptions(
                        session.withPrecision(Precision.F64),
                        () -> Lora.withOptions(session, () -> Lora.options().precision() == session.precision())),
                "scopes nest");
    }
}
