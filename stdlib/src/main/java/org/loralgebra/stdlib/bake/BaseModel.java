package org.loralgebra.stdlib.bake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.io.files.InputFiles;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;

/**
 * A base model's weights on disk, headers only: either one safetensors file ({@code model.safetensors}, or the
 * folder's only {@code *.safetensors}) or shards listed by an index ({@code *.safetensors.index.json}, as
 * Hugging Face writes: {@code {"metadata": {"total_size": N}, "weight_map": {tensor: shard file}}}). The index
 * and the shards are checked against each other: every tensor mapped lies in its shard, every shard tensor is
 * mapped, every shard exists.
 */
final class BaseModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Optional<Path> index;
    private final ObjectNode indexJson;
    private final Map<String, SafetensorsFile> shards;
    private final Map<String, String> shardOf;

    private BaseModel(Path dir, Optional<Path> index, ObjectNode indexJson, Map<String, SafetensorsFile> shards,
                      Map<String, String> shardOf) {
        this.dir = dir;
        this.index = index;
        this.indexJson = indexJson;
        this.shards = shards;
        this.shardOf = shardOf;
    }

    static BaseModel open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new AdapterFormatException(dir, "is not a folder; a base model is a folder with model.safetensors or "
                    + "shards and model.safetensors.index.json");
        }
        List<Path> indexes = list(dir, ".safetensors.index.json");
        if (indexes.size() > 1) {
            throw new AdapterFormatException(dir, "holds " + indexes.size() + " safetensors indexes "
                    + names(indexes) + ": expected one");
        }
        if (indexes.size() == 1) {
            return sharded(dir, indexes.get(0));
        }
        Path single = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(single)) {
            List<Path> files = list(dir, ".safetensors");
            if (files.size() != 1) {
                throw new AdapterFormatException(dir, "expected model.safetensors, or shards with a "
                        + "model.safetensors.index.json; found " + (files.isEmpty() ? "no safetensors file"
                        : files.size() + " safetensors files " + names(files) + " and no index"));
            }
            single = files.get(0);
        }
        SafetensorsFile f = SafetensorsFile.open(single);
        Map<String, String> shardOf = new LinkedHashMap<>();
        String name = single.getFileName().toString();
        f.tensors().keySet().forEach(t -> shardOf.put(t, name));
        return new BaseModel(dir, Optional.empty(), null, Map.of(name, f), shardOf);
    }

    private static BaseModel sharded(Path dir, Path index) {
        InputFiles.checkReadable(index, "a JSON index of safetensors shards");
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new AdapterFormatException(index, "is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode obj) || !root.path("weight_map").isObject()) {
            throw new AdapterFormatException(index, "expected an object with a \"weight_map\" object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        Map<String, SafetensorsFile> shards = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("weight_map").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new AdapterFormatException(index, "weight_map[\"" + e.getKey() + "\"]: expected a shard file name, "
                        + "found " + e.getValue());
            }
            String shard = e.getValue().asText();
            if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new AdapterFormatException(index, "weight_map[\"" + e.getKey() + "\"]: shard '" + shard
                        + "' is not a file name in the same folder");
            }
            shardOf.put(e.getKey(), shard);
            if (!shards.containsKey(shard)) {
                Path p = dir.resolve(shard);
                if (!Files.isRegularFile(p)) {
                    throw new AdapterFormatException(index, "weight_map names shard '" + shard + "' (for tensor '"
                            + e.getKey() + "'), which does not exist in " + dir);
                }
                shards.put(shard, SafetensorsFile.open(p));
            }
        }
        for (Map.Entry<String, String> e : shardOf.entrySet()) {
            SafetensorsFile f = shards.get(e.getValue());
            if (f.info(e.getKey()).isEmpty()) {
                throw AdapterFormatException.tensor(f.path(), e.getKey(), "the tensor the index maps to this shard",
                        "no such tensor in the file");
            }
        }
        for (SafetensorsFile f : shards.values()) {
            for (String t : f.tensors().keySet()) {
                String mapped = shardOf.get(t);
                if (!f.path().getFileName().toString().equals(mapped)) {
                    throw AdapterFormatException.tensor(index, t, "an index entry for this tensor of "
                            + f.path().getFileName(), mapped == null ? "none" : "an entry for shard " + mapped);
                }
            }
        }
        return new BaseModel(dir, Optional.of(index), obj, shards, shardOf);
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)
                            && (suffix.endsWith(".json") || !p.getFileName().toString().endsWith(".index.json")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList().toString();
    }

    Path dir() {
        return dir;
    }

    /** The index file, when sharded. */
    Optional<Path> index() {
        return index;
    }

    /** The parsed index (null when not sharded). */
    ObjectNode indexJson() {
        return indexJson;
    }

    /** Shard file name → its header, in name order (one entry when not sharded). */
    Map<String, SafetensorsFile> shards() {
        return shards;
    }

    /** Whether the model has a tensor of that name. */
    boolean has(String tensor) {
        return shardOf.containsKey(tensor);
    }

    /** Every tensor name, in index (or header) order. */
    List<String> tensorNames() {
        return new ArrayList<>(shardOf.keySet());
    }

    /** The shard file holding a tensor. */
    String shardOf(String tensor) {
        return shardOf.get(tensor);
    }

    /** A tensor's header entry. */
    TensorInfo info(String tensor) {
        return shards.get(shardOf.get(tensor)).info(tensor).orElseThrow();
    }

    /** The file a tensor is in. */
    Path fileOf(String tensor) {
        return dir.resolve(shardOf.get(tensor));
    }
}
