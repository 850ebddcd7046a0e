package org.loralgebra.stdlib.lab;

import java.nio.file.Path;
import java.util.Arrays;
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
 * Trained LoRA factors of an {@link Mlp}: on layer l, A (r × inₗ) and B (outₗ × r), row-major float32, with
 * ΔWₗ = (alpha/r)·Bₗ·Aₗ. {@link #save(Path)} writes them as a PEFT folder whose module names are the model's.
 */
public final class LoraFactors {
    private final String baseModel;
    private final int[] sizes;
    private final int rank;
    private final double alpha;
    private final float[][] a;
    private final float[][] b;

    /** Factors of a model of the given layer sizes (arrays copied). */
    public LoraFactors(String baseModel, int[] sizes, int rank, double alpha, float[][] a, float[][] b) {
        for (int l = 0; l < sizes.length - 1; l++) {
            if (a[l].length != rank * sizes[l] || b[l].length != sizes[l + 1] * rank) {
                throw new IllegalArgumentException("layer " + l + ": rank-" + rank + " factors of " + a[l].length
                        + " and " + b[l].length + " values for " + sizes[l + 1] + "×" + sizes[l]);
            }
        }
        this.baseModel = baseModel;
        this.sizes = sizes.clone();
        this.rank = rank;
        this.alpha = alpha;
        this.a = Arrays.stream(a).map(float[]::clone).toArray(float[][]::new);
        this.b = Arrays.stream(b).map(float[]::clone).toArray(float[][]::new);
    }

    /** The rank r. */
    public int rank() {
        return rank;
    }

    /** LoRA's alpha (scale alpha/r). */
    public double alpha() {
        return alpha;
    }

    /** A of layer l, r × inₗ row-major (a copy). */
    public float[] a(int layer) {
        return a[layer].clone();
    }

    /** B of layer l, outₗ × r row-major (a copy). */
    public float[] b(int layer) {
        return b[layer].clone();
    }

    /** Writes a PEFT folder (adapter_config.json, adapter_model.safetensors), atomically. */
    public void save(Path folder) {
        PeftConfig config = PeftConfig.lora(rank, alpha, baseModel).with(n -> {
            var targets = n.putArray("target_modules");
            for (int l = 0; l < a.length; l++) {
                targets.add(Mlp.module(l));
            }
        });
        AdapterMeta meta =
                new AdapterMeta(AdapterFormat.PEFT, config, "base_model.model.", Map.of(), Map.of("format", "pt"));
        try (PeftFolderWriter writer = PeftFolderWriter.create(meta)) {
            for (int l = 0; l < a.length; l++) {
                ModuleSpec spec = ModuleSpec.linear(Mlp.module(l), sizes[l + 1], sizes[l], rank, DType.F32);
                writer.add(StoredModule.of(
                        spec,
                        Tensor.ofFloats(DType.F32, new long[] {rank, sizes[l]}, a[l]),
                        Tensor.ofFloats(DType.F32, new long[] {sizes[l + 1], rank}, b[l]),
                        alpha / rank));
            }
            writer.commit(folder);
        }
    }
}
