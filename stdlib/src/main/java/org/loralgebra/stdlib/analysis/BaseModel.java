package org.loralgebra.stdlib.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.loralgebra.lang.LoraException;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.Tensor;

/**
 * A base model's weights in safetensors: one file, a folder holding {@code model.safetensors}, or a sharded
 * checkpoint ({@code *.safetensors.index.json} whose {@code weight_map} names the shard of every tensor, as
 * Hugging Face writes it). Only headers are read when opening; a weight's bytes are mapped when it is asked for.
 *
 * <p>A module's weight is found by name ({@link #tensorFor}): {@code <module>.weight}, or a key ending in
 * {@code .<module>.weight}; failing both, the same with the components before the layer index dropped one at a
 * time (PEFT names GPT-2's modules {@code transformer.h.0.attn.c_attn} while {@code gpt2}'s checkpoint stores
 * {@code h.0.attn.c_attn.weight}). A name matching several keys is an error, never a guess.
 */
public final class BaseModel {
    private static final String SINGLE = "model.safetensors";
    private static final String INDEX = "model.safetensors.index.json";

    private final Path location;
    private final Map<String, SafetensorsFile> fileOf;

    private BaseModel(Path location, Map<String, SafetensorsFile> fileOf) {
        this.location = location;
        this.fileOf = Collections.unmodifiableMap(fileOf);
    }

    /**
     * Opens a base model: a {@code .safetensors} file, a {@code .safetensors.index.json}, or a folder with
     * {@code model.safetensors.index.json}, {@code model.safetensors} or exactly one other {@code .safetensors} file.
     *
     * @throws AdapterFormatException naming the file when it is missing or malformed
     */
    public static BaseModel open(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(INDEX))) {
                return openIndex(path.resolve(INDEX));
            }
            if (Files.isRegularFile(path.resolve(SINGLE))) {
                return openFile(path.resolve(SINGLE));
            }
            List<Path> found = list(path, ".safetensors.index.json");
            if (found.size() == 1) {
                return openIndex(found.get(0));
            }
            found = list(path, ".safetensors");
            if (found.size() == 1) {
                return openFile(found.get(0));
            }
            throw new AdapterFormatException(path, "expected a base model folder with " + INDEX + ", " + SINGLE
                    + " or a single .safetensors file, found " + (found.isEmpty() ? "none" : found.size() + " .safetensors files "
                    + found.stream().map(p -> p.getFileName().toString()).toList()));
        }
        if (!Files.isRegularFile(path)) {
            throw new AdapterFormatException(path, "base model not found (expected a .safetensors file, an index .json or a folder)");
        }
        return path.getFileName().toString().endsWith(".json") ? openIndex(path) : openFile(path);
    }

    private static BaseModel openFile(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> map = new LinkedHashMap<>();
        f.tensors().keySet().forEach(t -> map.put(t, f));
        return new BaseModel(file, map);
    }

    private static BaseModel openIndex(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new AdapterFormatException(index, "not a readable JSON index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new AdapterFormatException(index, "expected an object \"weight_map\" (tensor name → shard file), found "
                    + (map == null ? "none" : map.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new AdapterFormatException(index, "weight_map[\"" + e.getKey() + "\"]: expected a shard file name, found "
                        + e.getValue());
            }
            String shardName = e.getValue().asText();
            SafetensorsFile shard = shards.computeIfAbsent(shardName, n -> {
                Path p = dir.resolve(n);
                if (!Files.isRegularFile(p)) {
                    throw new AdapterFormatException(index, "weight_map names shard '" + n + "' (for tensor '" + e.getKey()
                            + "'), which does not exist in " + dir);
                }
                return SafetensorsFile.open(p);
            });
            if (shard.info(e.getKey()).isEmpty()) {
                throw new AdapterFormatException(shard.path(), "the index " + index.getFileName() + " places tensor '"
                        + e.getKey() + "' in this shard, but its header has no such tensor");
            }
            out.put(e.getKey(), shard);
        }
        return new BaseModel(index, out);
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new AdapterFormatException(dir, "cannot list the folder: " + e.getMessage(), e);
        }
    }

    /** Where it was opened from (the file or the index). */
    public Path location() {
        return location;
    }

    /** Every tensor name. */
    public Set<String> tensorNames() {
        return fileOf.keySet();
    }

    /**
     * The name of the weight tensor a module updates: {@code <module>.weight}, or the one key ending in
     * {@code .<module>.weight}; failing both, the key equal to {@code <module>.weight} with leading components
     * dropped, but only components before its layer index (never the index itself: {@code layer.1.q} must not find
     * {@code layer.0.q}), or, for a name without a layer index, only its first component ({@code transformer.wte}
     * finds {@code wte.weight}).
     *
     * @throws LoraException when no key, or more than one, matches
     */
    public String tensorFor(String module) {
        String[] parts = module.split("\\.");
        int droppable = 0;
        while (droppable < parts.length && !isIndex(parts[droppable])) {
            droppable++;
        }
        if (droppable == parts.length) {
            droppable = Math.min(1, parts.length - 1);
        }
        for (int drop = 0; drop <= droppable; drop++) {
            String suffix = String.join(".", java.util.Arrays.copyOfRange(parts, drop, parts.length)) + ".weight";
            if (fileOf.containsKey(suffix)) {
                return suffix;
            }
            if (drop > 0) {
                continue; // a shortened name must match a whole key: with a prefix added it could stand for another module
            }
            List<String> matches = new ArrayList<>();
            for (String key : fileOf.keySet()) {
                if (key.endsWith("." + suffix)) {
                    matches.add(key);
                }
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw new LoraException(location + ": module '" + module + "' matches several base weights " + matches
                        + "; expected exactly one");
            }
        }
        throw new LoraException(location + ": no base weight for module '" + module + "' (looked for '" + module
                + ".weight', keys ending in it, and '" + String.join(".", java.util.Arrays.copyOfRange(parts, droppable,
                parts.length)) + ".weight' and the names between)");
    }

    private static boolean isIndex(String part) {
        return !part.isEmpty() && part.chars().allMatch(Character::isDigit);
    }

    /**
     * Finds and checks a module's base weight without reading its values: its name, and that its stored shape and
     * dtype fit the update ({@code [out, in]}, or {@code [in, out]} for fan_in_fan_out and embeddings, or
     * {@code [out, in_c, kh, kw]} for a convolution).
     *
     * @return the tensor's name
     * @throws AdapterFormatException naming the file, tensor and module when the stored shape does not fit
     */
    public String check(ModuleSpec spec) {
        String name = tensorFor(spec.name());
        SafetensorsFile file = fileOf.get(name);
        TensorInfo info = file.info(name).orElseThrow();
        long[] shape = info.shape();
        String expected;
        boolean fits;
        if (spec.kind() == ModuleKind.CONV) {
            long[] k = spec.kernel();
            expected = spec.shapeString();
            fits = shape.length == 4 && shape[0] == spec.out() && shape[1] * shape[2] * shape[3] == spec.in()
                    && shape[2] == k[0] && shape[3] == k[1];
        } else {
            boolean transposed = storedTransposed(spec);
            long rows = transposed ? spec.in() : spec.out();
            long cols = transposed ? spec.out() : spec.in();
            expected = "[" + rows + ", " + cols + "]" + (transposed ? " (stored [in, out])" : "");
            fits = shape.length == 2 && shape[0] == rows && shape[1] == cols;
        }
        if (!fits) {
            throw AdapterFormatException.tensor(file.path(), name, "shape " + expected + " for module '" + spec.name()
                    + "' (update " + spec.shapeString() + ")", "shape " + info.shapeString());
        }
        if (!info.dtype().isDecodable()) {
            throw AdapterFormatException.tensor(file.path(), name, "a floating-point weight for module '" + spec.name() + "'",
                    info.dtype().name());
        }
        return name;
    }

    /**
     * The module's base weight as an {@code [out, in]} matrix, in the update's orientation: transposed when the
     * checkpoint stores {@code [in, out]} (fan_in_fan_out, GPT-2's Conv1D; embedding tables), flattened to
     * {@code [out, in·kh·kw]} for a convolution.
     *
     * @throws AdapterFormatException naming the file, tensor and module when the stored shape does not fit
     */
    public Matrix weight(Backend be, ModuleSpec spec) {
        String name = check(spec);
        Tensor t = fileOf.get(name).read(name);
        if (spec.kind() == ModuleKind.CONV) {
            t = t.reshape(spec.out(), spec.in());
        }
        Matrix m = be.fromTensor(t);
        return spec.kind() != ModuleKind.CONV && storedTransposed(spec) ? be.transpose(m) : m;
    }

    private static boolean storedTransposed(ModuleSpec spec) {
        return spec.fanInFanOut() || spec.kind() == ModuleKind.EMBEDDING;
    }

    @Override
    public String toString() {
        return "BaseModel " + location + " (" + fileOf.size() + " tensors)";
    }
}
