package org.loralgebra.io.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A module's base weight: the stored shape each module kind needs (PEFT's merge), the update's orientation, and
 * refusals that name the file, tensor and module with what was expected and found.
 */
class ModuleWeightTest {
    @TempDir
    Path tmp;

    private static ModuleSpec spec(String name, ModuleKind kind, int out, int in, long[] kernel, boolean fanInFanOut) {
        return new ModuleSpec(name, kind, out, in, 2, DType.F32, kernel, fanInFanOut, false, false);
    }

    @Test
    void eachKindHasItsStoredShapeAndOrientation() {
        ModuleSpec linear = spec("l", ModuleKind.LINEAR, 12, 10, new long[0], false);
        ModuleSpec conv1d = spec("c", ModuleKind.LINEAR, 12, 10, new long[0], true);
        ModuleSpec embedding = spec("e", ModuleKind.EMBEDDING, 6, 20, new long[0], false);
        ModuleSpec conv = spec("k", ModuleKind.CONV, 4, 12, new long[] {2, 2}, false);
        assertArrayEquals(new long[] {12, 10}, ModuleWeight.storedShape(linear));
        assertArrayEquals(new long[] {10, 12}, ModuleWeight.storedShape(conv1d));
        assertArrayEquals(new long[] {20, 6}, ModuleWeight.storedShape(embedding), "num_embeddings × dim = [in, out]");
        assertArrayEquals(new long[] {4, 3, 2, 2}, ModuleWeight.storedShape(conv));
        assertFalse(ModuleWeight.storedTransposed(linear));
        assertTrue(ModuleWeight.storedTransposed(conv1d));
        assertTrue(ModuleWeight.storedTransposed(embedding));
        assertFalse(ModuleWeight.storedTransposed(conv));
    }

    @Test
    void weightsAreReadAsStoredWithAConvolutionsKernelFlattened() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("h.0.c_attn.weight", DType.F32, 6, 18),
                        new BaseModels.Spec("wte.weight", DType.BF16, 20, 6),
                        new BaseModels.Spec("conv.weight", DType.F16, 4, 3, 2, 2),
                        new BaseModels.Spec("h.0.q.weight", DType.F32, 12, 6)),
                9);
        Checkpoint c = Checkpoint.open(BaseModels.sharded(tmp.resolve("base"), tensors, 2));
        ModuleWeight fifo = c.weight(spec("transformer.h.0.c_attn", ModuleKind.LINEAR, 18, 6, new long[0], true));
        assertEquals("h.0.c_attn.weight", fifo.tensor());
        assertTrue(fifo.transposed());
        assertTrue(fifo.read().contentEquals(tensors.get("h.0.c_attn.weight")), "[in, out] as stored");
        ModuleWeight emb = c.weight(spec("transformer.wte", ModuleKind.EMBEDDING, 6, 20, new long[0], false));
        assertTrue(emb.transposed());
        assertTrue(emb.read().contentEquals(tensors.get("wte.weight")));
        ModuleWeight conv = c.weight(spec("conv", ModuleKind.CONV, 4, 12, new long[] {2, 2}, false));
        Tensor flat = conv.read();
        assertArrayEquals(new long[] {4, 12}, flat.shape(), "[out, in_c·kh·kw]");
        assertEquals(tensors.get("conv.weight").bytes(), flat.bytes(), "the same bytes, row-major");
        ModuleWeight q = c.weight(spec("h.0.q", ModuleKind.LINEAR, 12, 6, new long[0], false));
        assertFalse(q.transposed());
        assertEquals(c.fileOf("h.0.q.weight"), q.path());
        assertTrue(q.read().contentEquals(tensors.get("h.0.q.weight")));
    }

    @Test
    void aWeightThatDoesNotFitIsRefusedNamingFileTensorAndModule() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(
                List.of(
                        new BaseModels.Spec("layers.0.q.weight", DType.F32, 10, 12),
                        new BaseModels.Spec("layers.0.v.weight", DType.F32, 12, 11),
                        new BaseModels.Spec("layers.1.fifo.weight", DType.F32, 12, 10),
                        new BaseModels.Spec("layers.1.ids.weight", DType.I64, 12, 11)),
                1);
        Path dir = BaseModels.single(tmp.resolve("base"), tensors);
        Checkpoint c = Checkpoint.open(dir);
        ModuleSpec q = spec("layers.0.q", ModuleKind.LINEAR, 12, 10, new long[0], false);
        AdapterFormatException transposed = assertThrows(AdapterFormatException.class, () -> c.weight(q));
        assertEquals(
                dir.resolve("model.safetensors") + ": tensor 'layers.0.q.weight': expected [12, 10] for module "
                        + "'layers.0.q' (update [12, 10]), found [10, 12] (the base stores [in, out], as GPT-2's Conv1D does, but "
                        + "the adapter says fan_in_fan_out: false)",
                transposed.getMessage());
        ModuleSpec fifo = spec("layers.1.fifo", ModuleKind.LINEAR, 12, 10, new long[0], true);
        assertTrue(assertThrows(AdapterFormatException.class, () -> c.weight(fifo))
                .getMessage()
                .contains(
                        "expected [10, 12] (stored [in, out]) for module 'layers.1.fifo' (update [12, 10]), found [12, 10] "
                                + "(the adapter says fan_in_fan_out: true, but the base stores [out, in])"));
        ModuleSpec v = spec("layers.0.v", ModuleKind.LINEAR, 12, 10, new long[0], false);
        String other =
                assertThrows(AdapterFormatException.class, () -> c.weight(v)).getMessage();
        assertTrue(
                other.endsWith("expected [12, 10] for module 'layers.0.v' (update [12, 10]), found [12, 11]"), other);
        assertThrows(
                AdapterFormatException.class,
                () -> c.findWeight(v).orElseThrow().read(),
                "read checks too");

        ModuleSpec ids = spec("layers.1.ids", ModuleKind.LINEAR, 12, 10, new long[0], false);
        List<String> problems = c.findWeight(ids).orElseThrow().problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("found [12, 11]"), problems.toString());
        assertEquals(
                dir.resolve("model.safetensors") + ": tensor 'layers.1.ids.weight': expected a floating-point weight "
                        + "(F32, F16, BF16 or F64) for module 'layers.1.ids', found I64",
                problems.get(1));
        assertEquals(
                List.of(),
                c.findWeight(spec("layers.0.v", ModuleKind.LINEAR, 12, 11, new long[0], false))
                        .orElseThrow()
                        .problems());
    }
}
