package org.loralgebra.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralgebra.Lora;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Generated adapters of a real shape for the hub benchmark: DistilBERT-base's LoRA (6 layers, {@code q_lin} and
 * {@code v_lin}, 768×768, rank 8, alpha 16, F32), as the two DistilBERT examples are; entries are seeded Gaussians,
 * A with std 1/√in and B with std 0.02 (every update of full rank 8). Adapter i is seeded by i.
 */
public final class SyntheticHub {
    private static final int LAYERS = 6;
    private static final int HIDDEN = 768;
    private static final int RANK = 8;

    private SyntheticHub() {}

    /** Writes adapters 0..n−1 as {@code dir/hNNNNN} (those already there are kept) and returns their paths. */
    public static List<String> write(Path dir, int n) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path p = dir.resolve(String.format("h%05d", i));
            if (!Files.exists(p.resolve("adapter_model.safetensors"))) {
                Lora.from(adapter(i)).save(p.toString());
            }
            paths.add(p.toString());
        }
        return paths;
    }

    /** Adapter i, in memory. */
    public static InMemoryAdapter adapter(long seed) {
        Random rnd = new Random(seed);
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        for (int l = 0; l < LAYERS; l++) {
            for (String t : List.of("q_lin", "v_lin")) {
                String name = "distilbert.transformer.layer." + l + ".attention." + t;
                double[] a = gaussian(rnd, RANK * HIDDEN, 1 / Math.sqrt(HIDDEN));
                double[] b = gaussian(rnd, HIDDEN * RANK, 0.02);
                modules.put(
                        name,
                        StoredModule.of(
                                ModuleSpec.linear(name, HIDDEN, HIDDEN, RANK, DType.F32),
                                Tensor.ofDoubles(DType.F32, new long[] {RANK, HIDDEN}, a),
                                Tensor.ofDoubles(DType.F32, new long[] {HIDDEN, RANK}, b),
                                2.0));
            }
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(RANK, 16, "distilbert-base-uncased"),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        return new InMemoryAdapter("h" + seed, "distilbert-base-uncased", meta, modules);
    }

    private static double[] gaussian(Random rnd, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
        return v;
    }
}
