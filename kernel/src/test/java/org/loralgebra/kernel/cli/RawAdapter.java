package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.Tensor;

/**
 * A PEFT folder read the plain way, for independent references in CLI tests: per module the lora_A/lora_B
 * values and scale = lora_alpha / r from adapter_config.json, and ΔW = s·B·A by plain loops in double.
 */
record RawAdapter(Map<String, double[]> a, Map<String, double[]> b, Map<String, long[]> shapeA, double scale) {
    static RawAdapter read(Path folder) throws IOException {
        JsonNode config = new ObjectMapper()
                .readTree(folder.resolve("adapter_config.json").toFile());
        double scale = config.get("lora_alpha").asDouble() / config.get("r").asDouble();
        SafetensorsFile f = SafetensorsFile.open(folder.resolve("adapter_model.safetensors"));
        Map<String, double[]> a = new LinkedHashMap<>();
        Map<String, double[]> b = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String key : new TreeSet<>(f.tensors().keySet())) {
            if (key.endsWith(".lora_A.weight")) {
                String m = key.substring("base_model.model.".length(), key.length() - ".lora_A.weight".length());
                Tensor t = f.read(key);
                a.put(m, t.toDoubleArray());
                shapes.put(m, t.shape());
                b.put(m, f.read(key.replace(".lora_A.", ".lora_B.")).toDoubleArray());
            }
        }
        return new RawAdapter(a, b, shapes, scale);
    }

    /** ΔW [out, in] row-major. */
    double[] delta(String module) {
        int r = (int) shapeA.get(module)[0];
        int in = (int) shapeA.get(module)[1];
        double[] av = a.get(module);
        double[] bv = b.get(module);
        int out = bv.length / r;
        double[] d = new double[out * in];
        for (int i = 0; i < out; i++) {
            for (int k = 0; k < r; k++) {
                for (int j = 0; j < in; j++) {
                    d[i * in + j] += scale * bv[i * r + k] * av[k * in + j];
                }
            }
        }
        return d;
    }

    int out(String module) {
        return b.get(module).length / (int) shapeA.get(module)[0];
    }

    int in(String module) {
        return (int) shapeA.get(module)[1];
    }

    static double maxRelError(double[] expected, double[] got) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - got[i]));
        }
        return err / max;
    }

    /** Writes a PEFT folder with the given modules (A [r, in], B [out, r]), r, alpha and fan_in_fan_out. */
    static Path write(Path folder, Map<String, Tensor[]> modules, int r, double alpha, boolean fanInFanOut)
            throws IOException {
        Files.createDirectories(folder);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        modules.forEach((m, ab) -> {
            tensors.put("base_model.model." + m + ".lora_A.weight", ab[0]);
            tensors.put("base_model.model." + m + ".lora_B.weight", ab[1]);
        });
        SafetensorsWriter.write(folder.resolve("adapter_model.safetensors"), Map.of("format", "pt"), tensors);
        Files.writeString(
                folder.resolve("adapter_config.json"),
                "{\"peft_type\": \"LORA\", \"r\": " + r
                        + ", \"lora_alpha\": " + alpha + ", \"fan_in_fan_out\": " + fanInFanOut
                        + ", \"base_model_name_or_path\": \"test-base\", \"target_modules\": [\"c_attn\"]}\n");
        return folder;
    }
}
