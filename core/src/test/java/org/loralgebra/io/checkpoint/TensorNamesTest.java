package org.loralgebra.io.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/**
 * PEFT's names against a checkpoint's: a wrapper prefix may be added or dropped, a layer index or a module never
 * changes, and a name several keys could stand for is an error naming each. (The cases of both former resolvers,
 * {@code lora bake}'s and {@code lora analyze intruders}', pinned on the one that replaced them.)
 */
class TensorNamesTest {
    @TempDir
    Path tmp;

    @Test
    void namesResolveWithAndWithoutTheWrapperPrefixButNeverAcrossLayers() throws Exception {
        Path dir = BaseModels.single(
                tmp.resolve("base"),
                BaseModels.tensors(
                        List.of(
                                new BaseModels.Spec("h.0.attn.c_attn.weight", DType.F32, 2, 2),
                                new BaseModels.Spec("model.layers.1.q.weight", DType.F32, 2, 2),
                                new BaseModels.Spec("layer.0.q.weight", DType.F32, 2, 2),
                                new BaseModels.Spec("wte.weight", DType.F32, 2, 2),
                                new BaseModels.Spec("a.head.weight", DType.F32, 2, 2),
                                new BaseModels.Spec("b.head.weight", DType.F32, 2, 2)),
                        1));
        Checkpoint base = Checkpoint.open(dir);
        assertEquals(Optional.of("h.0.attn.c_attn.weight"), base.resolve("h.0.attn.c_attn.weight"));
        assertEquals(Optional.of("h.0.attn.c_attn.weight"), base.resolve("transformer.h.0.attn.c_attn.weight"));
        assertEquals(Optional.of("model.layers.1.q.weight"), base.resolve("layers.1.q.weight"));
        assertEquals(Optional.of("wte.weight"), base.resolve("transformer.wte.weight"));
        assertEquals(
                Optional.empty(),
                base.resolve("encoder.layer.1.q.weight"),
                "dropping components stops at the layer index: layer.1 never finds layer.0");
        assertEquals(Optional.empty(), base.resolve("x.y.wte.weight"), "without an index only the first");
        LoraException e = assertThrows(LoraException.class, () -> base.resolve("head.weight"));
        assertTrue(
                e.getMessage().contains("a.head.weight")
                        && e.getMessage().contains("b.head.weight")
                        && e.getMessage().contains("matches several base weights"),
                e.getMessage());
    }

    /** A module's weight, by module name: what {@code lora analyze intruders} asks for. */
    @Test
    void moduleWeightsResolveWithoutGuessing() throws Exception {
        Path dir = BaseModels.single(
                tmp.resolve("names"),
                BaseModels.tensors(
                        List.of(
                                new BaseModels.Spec("h.0.attn.c_attn.weight", DType.F32, 1, 1),
                                new BaseModels.Spec("wte.weight", DType.F32, 1, 1),
                                new BaseModels.Spec("decoder.proj.out.weight", DType.F32, 1, 1),
                                new BaseModels.Spec("model.model.layers.2.q_proj.weight", DType.F32, 1, 1)),
                        2));
        Checkpoint base = Checkpoint.open(dir);
        assertEquals(
                "h.0.attn.c_attn.weight",
                base.weight(linear("transformer.h.0.attn.c_attn")).tensor());
        assertEquals("wte.weight", base.weight(linear("transformer.wte")).tensor());
        assertEquals(
                "model.model.layers.2.q_proj.weight",
                base.weight(linear("model.layers.2.q_proj")).tensor(),
                "a prefix added");
        LoraException otherLayer =
                assertThrows(LoraException.class, () -> base.weight(linear("transformer.h.1.attn.c_attn")));
        assertTrue(
                otherLayer.getMessage().contains("no base weight for module 'transformer.h.1.attn.c_attn'")
                        && otherLayer.getMessage().contains("'h.1.attn.c_attn.weight'"),
                otherLayer.getMessage());
        assertThrows(LoraException.class, () -> base.weight(linear("encoder.proj.out")), "a module never changes");
        assertThrows(LoraException.class, () -> base.weight(linear("a.b.wte")));
        assertEquals(Optional.empty(), base.findWeight(linear("a.b.wte")));
    }

    /** Every rule's candidates count together: a suffix match and a shortened name, or two shortened names, are two. */
    @Test
    void candidatesOfDifferentRulesAreAnAmbiguityNamingEach() {
        Path where = Path.of("ckpt.safetensors");
        Set<String> suffixAndShorter = new LinkedHashSet<>(List.of("x.transformer.h.0.q.weight", "h.0.q.weight"));
        LoraException e = assertThrows(
                LoraException.class, () -> TensorNames.resolve(suffixAndShorter, "transformer.h.0.q.weight", where));
        assertTrue(
                e.getMessage().startsWith("ckpt.safetensors: ")
                        && e.getMessage().contains("[x.transformer.h.0.q.weight, h.0.q.weight]"),
                e.getMessage());
        Set<String> twoShorter = new LinkedHashSet<>(List.of("b.layers.0.q.weight", "layers.0.q.weight"));
        e = assertThrows(LoraException.class, () -> TensorNames.resolve(twoShorter, "a.b.layers.0.q.weight", where));
        assertTrue(e.getMessage().contains("[b.layers.0.q.weight, layers.0.q.weight]"), e.getMessage());
        assertEquals(
                Optional.of("a.b.layers.0.q.weight"),
                TensorNames.resolve(
                        Set.of("a.b.layers.0.q.weight", "b.layers.0.q.weight", "layers.0.q.weight"),
                        "a.b.layers.0.q.weight",
                        where),
                "the key itself is never ambiguous");
    }

    @Test
    void shorteningsDropOnlyComponentsBeforeTheLayerIndexAndNeverTheParameter() {
        assertEquals(
                List.of("b.layers.0.q.weight", "layers.0.q.weight", "0.q.weight"),
                TensorNames.shortenings("a.b.layers.0.q.weight"),
                "every component before the index, one at a time");
        assertEquals(
                List.of("h.0.attn.c_attn.weight", "0.attn.c_attn.weight"),
                TensorNames.shortenings("transformer.h.0.attn.c_attn.weight"));
        assertEquals(List.of("wte.weight"), TensorNames.shortenings("transformer.wte.weight"));
        assertEquals(List.of("y.wte.weight"), TensorNames.shortenings("x.y.wte.weight"), "no index: the first alone");
        assertEquals(List.of(), TensorNames.shortenings("wte.weight"));
        assertEquals(List.of(), TensorNames.shortenings("0.q.weight"), "an index first: nothing to drop");
        assertEquals(List.of(), TensorNames.shortenings("position_ids"));
    }

    private static ModuleSpec linear(String name) {
        return ModuleSpec.linear(name, 1, 1, 1, DType.F32);
    }
}
