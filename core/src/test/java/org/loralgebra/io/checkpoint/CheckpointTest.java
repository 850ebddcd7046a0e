package org.loralgebra.io.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Opening a base model in every layout {@code lora bake} and {@code lora analyze intruders} take: one file, a folder
 * with {@code model.safetensors} or one other file, shards with an index (given as the folder or as the index), and
 * the refusals of a folder that holds none or several, and of an index that disagrees with its shards.
 */
class CheckpointTest {
    private static final List<BaseModels.Spec> TENSORS = List.of(
            new BaseModels.Spec("embed.weight", DType.F32, 30, 12),
            new BaseModels.Spec("layers.0.q.weight", DType.BF16, 12, 10),
            new BaseModels.Spec("layers.0.q.bias", DType.F32, 12),
            new BaseModels.Spec("layers.1.mlp.weight", DType.F32, 200, 100),
            new BaseModels.Spec("position_ids", DType.I64, 1, 30));

    @TempDir
    Path tmp;

    @Test
    void aSingleFileIsReadInHeaderOrderAndLazily() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(TENSORS, 1);
        Path dir = BaseModels.single(tmp.resolve("base"), tensors);
        Checkpoint c = Checkpoint.open(dir);
        assertEquals(dir.resolve("model.safetensors"), c.location());
        assertEquals(dir, c.folder());
        assertEquals(Optional.empty(), c.index());
        assertEquals(Optional.empty(), c.indexJson());
        assertEquals(List.of("model.safetensors"), new ArrayList<>(c.shards().keySet()));
        assertEquals(
                new ArrayList<>(c.shards().get("model.safetensors").tensors().keySet()),
                new ArrayList<>(c.tensorNames()));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            assertEquals("model.safetensors", c.shardOf(e.getKey()));
            assertEquals(dir.resolve("model.safetensors"), c.fileOf(e.getKey()));
            assertTrue(c.read(e.getKey()).contentEquals(e.getValue()), e.getKey() + " reads back byte for byte");
        }
        Tensor big = c.read("layers.1.mlp.weight");
        assertFalse(big.inMemory(), "an 80 KB weight is read when asked for, by positional reads");
        assertTrue(big.contentEquals(tensors.get("layers.1.mlp.weight")));
        Checkpoint file = Checkpoint.open(dir.resolve("model.safetensors"));
        assertEquals(c.tensorNames(), file.tensorNames(), "the file itself opens the same");
        assertEquals(dir.resolve("model.safetensors").toAbsolutePath().getParent(), file.folder());
    }

    @Test
    void shardsAreReadThroughTheirIndexGivenAsTheFolderOrTheFile() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(TENSORS, 2);
        Path dir = BaseModels.sharded(tmp.resolve("base"), tensors, 2);
        Path index = dir.resolve("model.safetensors.index.json");
        for (Checkpoint c : List.of(Checkpoint.open(dir), Checkpoint.open(index))) {
            assertEquals(index, c.location());
            assertEquals(Optional.of(index), c.index());
            assertEquals(
                    List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"),
                    new ArrayList<>(c.shards().keySet()));
            ObjectNode json = c.indexJson().orElseThrow();
            assertEquals("kept", json.get("metadata").get("note").asText(), "the index's metadata is kept");
            json.put("changed", true);
            assertFalse(c.indexJson().orElseThrow().has("changed"), "a copy: the checkpoint stays as read");
            List<String> names = new ArrayList<>(tensors.keySet());
            for (int i = 0; i < names.size(); i++) {
                String shard = String.format("model-%05d-of-00002.safetensors", i % 2 + 1);
                assertEquals(shard, c.shardOf(names.get(i)), names.get(i));
                assertTrue(c.read(names.get(i)).contentEquals(tensors.get(names.get(i))), names.get(i));
            }
        }
        assertEquals(dir, Checkpoint.open(dir).folder());
    }

    @Test
    void aFolderPrefersHuggingFacesNamesThenItsOnlyIndexOrFile() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(TENSORS.subList(0, 2), 3);
        Path other = Files.createDirectories(tmp.resolve("other"));
        SafetensorsWriter.write(other.resolve("weights.safetensors"), Map.of(), tensors);
        assertEquals(
                other.resolve("weights.safetensors"), Checkpoint.open(other).location(), "the only file");

        Path both = BaseModels.sharded(tmp.resolve("both"), tensors, 2);
        SafetensorsWriter.write(both.resolve("model.safetensors"), Map.of(), tensors);
        Files.copy(both.resolve("model.safetensors.index.json"), both.resolve("fp16.safetensors.index.json"));
        assertEquals(
                both.resolve("model.safetensors.index.json"),
                Checkpoint.open(both).location(),
                "model.safetensors.index.json first");
        Files.delete(both.resolve("model.safetensors.index.json"));
        assertEquals(
                both.resolve("model.safetensors"),
                Checkpoint.open(both).location(),
                "then model.safetensors, before another index");
        Files.delete(both.resolve("model.safetensors"));
        assertEquals(
                both.resolve("fp16.safetensors.index.json"),
                Checkpoint.open(both).location(),
                "then the only index");

        Files.copy(both.resolve("fp16.safetensors.index.json"), both.resolve("bf16.safetensors.index.json"));
        AdapterFormatException twoIndexes = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(both));
        assertTrue(
                twoIndexes.getMessage().contains("bf16.safetensors.index.json")
                        && twoIndexes.getMessage().contains("fp16.safetensors.index.json"),
                twoIndexes.getMessage());

        SafetensorsWriter.write(other.resolve("more.safetensors"), Map.of(), tensors);
        AdapterFormatException twoFiles = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(other));
        assertTrue(
                twoFiles.getMessage().contains("more.safetensors")
                        && twoFiles.getMessage().contains("weights.safetensors")
                        && twoFiles.getMessage().contains("model.safetensors"),
                twoFiles.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("x.txt"), "no weights");
        AdapterFormatException none = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(empty));
        assertTrue(
                none.getMessage().contains("model.safetensors")
                        && none.getMessage().contains("found none"),
                none.getMessage());
        AdapterFormatException missing =
                assertThrows(AdapterFormatException.class, () -> Checkpoint.open(tmp.resolve("nothing-here")));
        assertTrue(
                missing.getMessage().contains("nothing-here")
                        && missing.getMessage().contains("not found"),
                missing.getMessage());
    }

    @Test
    void anIndexThatDisagreesWithItsShardsIsAnErrorNamingBoth() throws IOException {
        Map<String, Tensor> tensors = BaseModels.tensors(TENSORS, 4);
        Path dir = BaseModels.sharded(tmp.resolve("base"), tensors, 2);
        Path index = dir.resolve("model.safetensors.index.json");
        String good = Files.readString(index);

        Files.writeString(
                index,
                good.replace(
                        "\"embed.weight\" : \"model-00001-of-00002.safetensors\"",
                        "\"embed.weight\" : \"model-00002-of-00002.safetensors\""));
        AdapterFormatException moved = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(
                moved.getMessage().contains("embed.weight")
                        && moved.getMessage().contains("model-00002-of-00002.safetensors"),
                moved.getMessage());

        Files.writeString(index, good.replace("\"embed.weight\" : \"model-00001-of-00002.safetensors\",", ""));
        AdapterFormatException unmapped = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(
                unmapped.getMessage().contains("embed.weight")
                        && unmapped.getMessage().contains("model-00001-of-00002")
                        && unmapped.getMessage().contains("found none"),
                unmapped.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"x\": \"missing.safetensors\"}}");
        AdapterFormatException missing = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(
                missing.getMessage().contains("missing.safetensors")
                        && missing.getMessage().contains("'x'"),
                missing.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"x\": \"../elsewhere.safetensors\"}}");
        AdapterFormatException outside = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(
                outside.getMessage().contains("../elsewhere.safetensors")
                        && outside.getMessage().contains("not a file name in the index's folder"),
                outside.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"x\": 3}}");
        assertTrue(assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir))
                .getMessage()
                .contains("weight_map[\"x\"]: expected a shard file name, found 3"));
        Files.writeString(index, "{\"metadata\": {}}");
        assertTrue(assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir))
                .getMessage()
                .contains("\"weight_map\": none"));
        Files.writeString(index, "[1, 2]");
        assertTrue(assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir))
                .getMessage()
                .contains("found array"));
        Files.writeString(index, "{\"weight_map\": ");
        AdapterFormatException broken = assertThrows(AdapterFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(broken.getMessage().startsWith(index + ": not a readable JSON index"), broken.getMessage());
    }
}
