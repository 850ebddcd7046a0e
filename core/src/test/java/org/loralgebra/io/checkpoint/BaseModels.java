package org.loralgebra.io.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Small generated base models: tensors of given shapes with seeded N(0,1) values, in one file or in shards. */
public final class BaseModels {
    private BaseModels() {}

    /** A tensor to generate. */
    public record Spec(String name, DType dtype, long... shape) {}

    /** The tensors, N(0, 1) values from {@code seed} (I64 ones hold 0, 1, 2, …). */
    public static Map<String, Tensor> tensors(List<Spec> specs, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Spec s : specs) {
            int n = Math.toIntExact(Tensor.numel(s.shape()));
            if (s.dtype() == DType.I64) {
                ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    b.putLong(i);
                }
                b.flip();
                out.put(s.name(), Tensor.ofBytes(DType.I64, s.shape(), b));
            } else {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextGaussian();
                }
                out.put(s.name(), Tensor.ofDoubles(s.dtype(), s.shape(), v));
            }
        }
        return out;
    }

    /** Writes one model.safetensors (and a config.json and a pytorch_model.bin to copy or skip). */
    public static Path single(Path dir, Map<String, Tensor> tensors) throws IOException {
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("format", "pt"), tensors);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"test\"}\n");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        return dir;
    }

    /** Writes the tensors into {@code shards} files in order, with a Hugging Face index. */
    public static Path sharded(Path dir, Map<String, Tensor> tensors, int shards) throws IOException {
        Files.createDirectories(dir);
        List<String> names = new ArrayList<>(tensors.keySet());
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        for (int s = 0; s < shards; s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            Map<String, Tensor> part = new LinkedHashMap<>();
            for (int i = s; i < names.size(); i += shards) {
                part.put(names.get(i), tensors.get(names.get(i)));
                weightMap.put(names.get(i), file);
                total += tensors.get(names.get(i)).byteSize();
            }
            SafetensorsWriter.write(dir.resolve(file), Map.of("format", "pt"), part);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putObject("metadata").put("total_size", total).put("note", "kept");
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(
                dir.resolve("model.safetensors.index.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"test\"}\n");
        return dir;
    }
}
