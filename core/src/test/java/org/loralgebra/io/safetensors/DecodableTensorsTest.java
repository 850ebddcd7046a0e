package org.loralgebra.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.DType;

/** Every floating-point dtype the readers decode passes; any other is refused, naming file, tensor, module, dtype. */
class DecodableTensorsTest {
    private static final Path FILE = Path.of("adapter.safetensors");

    private static TensorInfo tensor(String name, DType dtype) {
        return new TensorInfo(name, dtype, new long[] {2, 3}, 0, 6L * dtype.byteSize());
    }

    @Test
    void theFourFloatDtypesPass() {
        assertDoesNotThrow(() -> DecodableTensors.require(
                FILE,
                "l.q",
                tensor("a", DType.F32),
                tensor("b", DType.F16),
                tensor("c", DType.BF16),
                tensor("d", DType.F64)));
    }

    @Test
    void everyOtherDtypeIsRefusedByTheFirstSuchTensor() {
        for (DType dtype : DType.values()) {
            if (dtype == DType.F32 || dtype == DType.F16 || dtype == DType.BF16 || dtype == DType.F64) {
                continue;
            }
            AdapterFormatException e = assertThrows(
                    AdapterFormatException.class,
                    () -> DecodableTensors.require(
                            FILE, "l.q", tensor("ok", DType.F32), tensor("bad", dtype), tensor("later", dtype)),
                    dtype.name());
            String m = e.getMessage();
            assertTrue(m.contains("adapter.safetensors"), m);
            assertTrue(m.contains("tensor 'bad'"), m);
            assertTrue(m.contains("a floating-point dtype (F32, F16, BF16, F64) for module 'l.q'"), m);
            assertTrue(m.endsWith("found " + dtype.name()), m);
            assertEquals(false, m.contains("later"), m);
        }
    }
}
