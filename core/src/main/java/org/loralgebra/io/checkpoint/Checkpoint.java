package org.loralgebra.io.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.loralgebra.io.files.InputFiles;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.Tensor;

/**
 * A base model's weights in safetensors, headers only: one file, or shards listed by an index
 * ({@code *.safetensors.index.json}, as Hugging Face writes it: {@code {"metadata": {"total_size": N},
 * "weight_map": {tensor: shard file}}}). A tensor's values are read when asked for, by positional reads.
 *
 * <p>{@link #open} takes a {@code .safetensors} file, an index {@code .json}, or a folder holding, in this order of
 * preference, {@value #INDEX}, {@value #SINGLE}, exactly one other {@code *.safetensors.index.json}, or exactly one
 * other {@code *.safetensors}. An index and its shards are checked against each other: every shard is a file of the
 * index's folder and exists, every tensor mapped lies in its shard, every tensor of a shard is mapped to it.
 *
 * <p>An adapter's names are resolved to tensor names by {@link TensorNames}; {@link #weight} finds a module's base
 * weight and checks its stored shape ({@link ModuleWeight}). Instances are immutable.
 */
public final class Checkpoint {
    /** Hugging Face's name for a single-file checkpoint. */
    public static final String SINGLE = "model.safetensors";
    /** Hugging Face's name for the index of a sharded checkpoint. */
    public static final String INDEX = "model.safetensors.index.json";

    private static final String INDEX_SUFFIX = ".safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path location;
    private final Path folder;
    private final ObjectNode indexJson;
    private final SortedMap<String, SafetensorsFile> shards;
    private final Map<String, String> shardOf;

    private Checkpoint(
            Path location,
            Path folder,
            ObjectNode indexJson,
            SortedMap<String, SafetensorsFile> shards,
            Map<String, String> shardOf) {
        this.location = location;
        this.folder = folder;
        this.indexJson = indexJson;
        this.shards = Collections.unmodifiableSortedMap(shards);
        this.shardOf = Collections.unmodifiableMap(shardOf);
    }

    /**
     * Opens a checkpoint, reading its index and every header (see the class comment for what {@code path} may be).
     *
     * @throws AdapterFormatException naming the file when it is missing or malformed, when a folder holds no
     *                                checkpoint or several candidates, or when an index and its shards disagree
     */
    public static Checkpoint open(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(INDEX))) {
                return sharded(path, path.resolve(INDEX));
            }
            if (Files.isRegularFile(path.resolve(SINGLE))) {
                return single(path, path.resolve(SINGLE));
            }
            Optional<Path> index = only(path, INDEX_SUFFIX, "safetensors indexes", INDEX);
            if (index.isPresent()) {
                return sharded(path, index.get());
            }
            Optional<Path> file = only(path, ".safetensors", ".safetensors files and no index", SINGLE);
            if (file.isEmpty()) {
                throw new AdapterFormatException(
                        path,
                        "expected a base model folder with " + INDEX + " and its shards, " + SINGLE
                                + ", or a single .safetensors file; found none");
            }
            return single(path, file.get());
        }
        if (!Files.exists(path)) {
            throw new AdapterFormatException(
                    path,
                    "base model not found (expected a .safetensors file, a " + INDEX_SUFFIX.substring(1)
                            + " or a folder holding either)");
        }
        Path parent = path.toAbsolutePath().getParent();
        return path.getFileName().toString().endsWith(".json") ? sharded(parent, path) : single(parent, path);
    }

    /** The folder's one regular file ending in {@code suffix}, if any; several are an error. */
    private static Optional<Path> only(Path dir, String suffix, String what, String canonical) {
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p ->
                            Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new AdapterFormatException(dir, "cannot list the folder: " + e.getMessage(), e);
        }
        if (found.size() > 1) {
            throw new AdapterFormatException(
                    dir,
                    "holds " + found.size() + " " + what + " " + names(found) + ": expected " + canonical
                            + " or exactly one");
        }
        return found.stream().findFirst();
    }

    private static Checkpoint single(Path folder, Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        String name = file.getFileName().toString();
        Map<String, String> shardOf = new LinkedHashMap<>();
        f.tensors().keySet().forEach(t -> shardOf.put(t, name));
        return new Checkpoint(file, folder, null, new TreeMap<>(Map.of(name, f)), shardOf);
    }

    private static Checkpoint sharded(Path folder, Path index) {
        InputFiles.checkReadable(index, "a JSON index of safetensors shards");
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new AdapterFormatException(index, "not a readable JSON index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (!(root instanceof ObjectNode obj) || map == null || !map.isObject()) {
            throw new AdapterFormatException(
                    index,
                    "expected an object with a \"weight_map\" object (tensor name → shard "
                            + "file), found "
                            + (root == null
                                    ? "nothing"
                                    : root.isObject()
                                            ? "\"weight_map\": "
                                                    + (map == null
                                                            ? "none"
                                                            : map.getNodeType()
                                                                    .toString()
                                                                    .toLowerCase(Locale.ROOT))
                                            : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, String> shardOf = new LinkedHashMap<>();
        SortedMap<String, SafetensorsFile> shards = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new AdapterFormatException(
                        index,
                        "weight_map[\"" + e.getKey() + "\"]: expected a shard file name, " + "found " + e.getValue());
            }
            String shard = e.getValue().asText();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new AdapterFormatException(
                        index,
                        "weight_map[\"" + e.getKey() + "\"]: shard '" + shard
                                + "' is not a file name in the index's folder");
            }
            shardOf.put(e.getKey(), shard);
            if (!shards.containsKey(shard)) {
                Path p = dir.resolve(shard);
                if (!Files.isRegularFile(p)) {
                    throw new AdapterFormatException(
                            index,
                            "weight_map names shard '" + shard + "' (for tensor '" + e.getKey()
                                    + "'), which does not exist in " + dir);
                }
                shards.put(shard, SafetensorsFile.open(p));
            }
        }
        for (Map.Entry<String, String> e : shardOf.entrySet()) {
            SafetensorsFile f = shards.get(e.getValue());
            if (f.info(e.getKey()).isEmpty()) {
                throw AdapterFormatException.tensor(
                        f.path(),
                        e.getKey(),
                        "the tensor the index " + index.getFileName() + " maps to this shard",
                        "no such tensor in the file");
            }
        }
        for (SafetensorsFile f : shards.values()) {
            String name = f.path().getFileName().toString();
            for (String t : f.tensors().keySet()) {
                String mapped = shardOf.get(t);
                if (!name.equals(mapped)) {
                    throw AdapterFormatException.tensor(
                            index,
                            t,
                            "an index entry for this tensor of " + name,
                            mapped == null ? "none" : "an entry for shard " + mapped);
                }
            }
        }
        return new Checkpoint(index, folder, obj, shards, shardOf);
    }

    private static String names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList().toString();
    }

    /** Where it was opened from: the single file or the index. */
    public Path location() {
        return location;
    }

    /** The folder holding its files: the folder given to {@link #open}, else the file's. */
    public Path folder() {
        return folder;
    }

    /** The index file, when sharded. */
    public Optional<Path> index() {
        return indexJson == null ? Optional.empty() : Optional.of(location);
    }

    /** A copy of the parsed index, when sharded (its {@code metadata} and any other keys included). */
    public Optional<ObjectNode> indexJson() {
        return indexJson == null ? Optional.empty() : Optional.of(indexJson.deepCopy());
    }

    /** Shard file name → its header, in name order (one entry when not sharded). */
    public SortedMap<String, SafetensorsFile> shards() {
        return shards;
    }

    /** Every tensor name, in index (or header) order. */
    public Set<String> tensorNames() {
        return shardOf.keySet();
    }

    /** Whether it has a tensor of that name. */
    public boolean has(String tensor) {
        return shardOf.containsKey(tensor);
    }

    /**
     * The shard file name holding a tensor.
     *
     * @throws LoraException when there is no such tensor
     */
    public String shardOf(String tensor) {
        String shard = shardOf.get(tensor);
        if (shard == null) {
            throw new LoraException(location + ": no tensor '" + tensor + "'");
        }
        return shard;
    }

    /** The file holding a tensor. */
    public Path fileOf(String tensor) {
        return shards.get(shardOf(tensor)).path();
    }

    /** A tensor's header entry. */
    public TensorInfo info(String tensor) {
        return shards.get(shardOf(tensor)).info(tensor).orElseThrow();
    }

    /** A tensor, its bytes read when asked for ({@link SafetensorsFile#read(TensorInfo)}). */
    public Tensor read(String tensor) {
        return shards.get(shardOf(tensor)).read(info(tensor));
    }

    /**
     * The tensor an adapter's name refers to ({@link TensorNames#resolve}), such as {@code module + ".weight"}.
     *
     * @throws LoraException when several tensors could be meant, naming each
     */
    public Optional<String> resolve(String name) {
        return TensorNames.resolve(shardOf.keySet(), name, location);
    }

    /**
     * A module's base weight ({@code <module>.weight} resolved by {@link #resolve}), if the checkpoint has one; its
     * shape is not checked here ({@link ModuleWeight#problems}).
     */
    public Optional<ModuleWeight> findWeight(ModuleSpec spec) {
        return resolve(spec.name() + ".weight").map(t -> new ModuleWeight(spec, shards.get(shardOf(t)), info(t)));
    }

    /**
     * A module's base weight, checked to fit the update ({@link ModuleWeight#checked}); its values are not read.
     *
     * @throws LoraException          when the checkpoint has none, or several could be meant
     * @throws AdapterFormatException naming the file, tensor and module when its stored shape or dtype does not fit
     */
    public ModuleWeight weight(ModuleSpec spec) {
        return findWeight(spec)
                .orElseThrow(() -> new LoraException(location + ": no base weight for module '" + spec.name() + "' ("
                        + TensorNames.tried(spec.name() + ".weight") + ")"))
                .checked();
    }

    @Override
    public String toString() {
        return "Checkpoint " + location + " (" + shardOf.size() + " tensors in " + shards.size() + " file"
                + (shards.size() == 1 ? "" : "s") + ")";
    }
}
