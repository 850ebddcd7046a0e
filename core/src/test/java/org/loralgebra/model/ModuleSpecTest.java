package org.loralgebra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.loralgebra.tensor.DType;

/** Module types: shapes printed per kind, kernels of any length, ranks, parameter counts. */
class ModuleSpecTest {
    private static ModuleSpec conv(int out, int in, int rank, long... kernel) {
        return new ModuleSpec("c", ModuleKind.CONV, out, in, rank, DType.F32, kernel, false, false, false);
    }

    @Test
    void shapesOfEachKind() {
        assertEquals(
                "[2304, 768]", ModuleSpec.linear("q", 2304, 768, 8, DType.F32).shapeString());
        assertEquals("[64, 32, 3, 3]", conv(64, 32 * 9, 4, 3, 3).shapeString());
        assertEquals("[64, 32, 5]", conv(64, 32 * 5, 4, 5).shapeString(), "a 1-d convolution");
        assertEquals("[8, 2, 3, 3, 3]", conv(8, 2 * 27, 4, 3, 3, 3).shapeString(), "a 3-d convolution");
        assertEquals(27, conv(8, 54, 4, 3, 3, 3).kernelSize());
        assertEquals(1, ModuleSpec.linear("q", 4, 4, 1, DType.F32).kernelSize());
    }

    @Test
    void rankAndParameters() {
        ModuleSpec q = ModuleSpec.linear("q", 768, 3072, 8, DType.F32);
        assertSame(q, q.withRank(8));
        assertEquals(4, q.withRank(4).rank());
        assertEquals(8L * (768 + 3072), q.parameterCount());
        assertTrue(q.sameShape(q.withRank(2)));
        assertTrue(!q.sameShape(ModuleSpec.linear("q", 768, 768, 8, DType.F32)));
    }

    @Test
    void kernelIsCopiedAndSizesChecked() {
        long[] k = {3, 3};
        ModuleSpec c = conv(4, 18, 1, k);
        k[0] = 7;
        assertEquals(3, c.kernel()[0]);
        c.kernel()[1] = 9;
        assertEquals(3, c.kernel()[1]);
        assertThrows(IllegalArgumentException.class, () -> ModuleSpec.linear("bad", 0, 4, 1, DType.F32));
        assertThrows(IllegalArgumentException.class, () -> ModuleSpec.linear("bad", 4, 4, -1, DType.F32));
    }
}
