package org.loralgebra.stdlib.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Trained LoRA factors of a {@link TextClassifier}: per module A (r × in) and B (out × r), row-major float32, with
 * ΔW = (alpha/r)·B·A. {@link #save(Path)} writes them as a PEFT folder whose module names are MiniLM's Hugging Face
 * names ({@code encoder.layer.5.intermediate.dense}, …).
 *
 * @param modules the module names
 * @param shapes per module {out, in}
 * @param rank r
 * @param alpha LoRA's alpha
 * @param a per module A
 * @param b per module B
 */
public record TextLoraFactors(
        List<String> modules, List<int[]> shapes, int rank, double alpha, List<float[]> a, List<float[]> b) {
    /** Checks the factors' sizes. */
    public TextLoraFactors {
        modules = List.copyOf(modules);
        shapes = shapes.stream().map(int[]::clone).toList();
        a = a.stream().map(float[]::clone).toList();
        b = b.stream().map(float[]::clone).toList();
        for (int k = 0; k < modules.size(); k++) {
            int[] s = shapes.get(k);
            if (a.get(k).length != rank * s[1] || b.get(k).length != s[0] * rank) {
                throw new IllegalArgumentException("module " + modules.get(k) + ": rank-" + rank + " factors of "
                        + a.get(k).length + " and " + b.get(k).length + " values for " + s[0] + "×" + s[1]);
            }
        }
    }

    /** Writes a PEFT folder (adapter_config.json, adapter_model.safetensors), atomically. */
    public void save(Path folder) {
        PeftConfig config = PeftConfig.lora(rank, alpha, TextClassifier.NAME).with(n -> {
            var targets = n.putArray("target_modules");
            modules.forEach(targets::add);
        });
        AdapterMeta meta =
                new AdapterMeta(AdapterFormat.PEFT, config, "base_model.model.", Map.of(), Map.of("format", "pt"));
        try (PeftFolderWriter writer = PeftFolderWriter.create(meta)) {
            for (int k = 0; k < modules.size(); k++) {
                int[] s = shapes.get(k);
                ModuleSpec spec = ModuleSpec.linear(modules.get(k), s[0], s[1], rank, DType.F32);
                writer.add(StoredModule.of(
                        spec,
                        Tensor.ofFloats(DType.F32, new long[] {rank, s[1]}, a.get(k)),
                        Tensor.ofFloats(DType.F32, new long[] {s[0], rank}, b.get(k)),
                        alpha / rank));
            }
            writer.commit(folder);
        }
    }
}
