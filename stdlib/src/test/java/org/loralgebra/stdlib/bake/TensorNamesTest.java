package org.loralgebra.stdlib.bake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;

class TensorNamesTest {
    @TempDir
    Path tmp;

    @Test
    void namesResolveWithAndWithoutTheWrapperPrefixButNeverAcrossLayers() throws Exception {
        Path dir = BaseModels.single(tmp.resolve("base"), BaseModels.tensors(List.of(
                new BaseModels.Spec("h.0.attn.c_attn.weight", DType.F32, 2, 2),
                new BaseModels.Spec("model.layers.1.q.weight", DType.F32, 2, 2),
                new BaseModels.Spec("layer.0.q.weight", DType.F32, 2, 2),
                new BaseModels.Spec("wte.weight", DType.F32, 2, 2),
                new BaseModels.Spec("a.head.weight", DType.F32, 2, 2),
                new BaseModels.Spec("b.head.weight", DType.F32, 2, 2)), 1));
        BaseModel base = BaseModel.open(dir);
        assertEquals(Optional.of("h.0.attn.c_attn.weight"), TensorNames.resolve(base, "h.0.attn.c_attn.weight"));
        assertEquals(Optional.of("h.0.attn.c_attn.weight"), TensorNames.resolve(base, "transformer.h.0.attn.c_attn.weight"));
        assertEquals(Optional.of("model.layers.1.q.weight"), TensorNames.resolve(base, "layers.1.q.weight"));
        assertEquals(Optional.of("wte.weight"), TensorNames.resolve(base, "transformer.wte.weight"));
        assertEquals(Optional.empty(), TensorNames.resolve(base, "encoder.layer.1.q.weight"),
                "dropping components stops at the layer index: layer.1 never finds layer.0");
        assertEquals(Optional.empty(), TensorNames.resolve(base, "x.y.wte.weight"), "without an index only the first");
        LoraException e = assertThrows(LoraException.class, () -> TensorNames.resolve(base, "head.weight"));
        assertTrue(e.getMessage().contains("a.head.weight") && e.getMessage().contains("b.head.weight"), e.getMessage());
    }
}
