package org.loralgebra.stdlib.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Deterministic synthetic adapters of real shapes for benchmarks: Llama-2-7B's seven linear modules in each of
 * its layers (q, k, v, o 4096×4096; gate, up 11008×4096; down 4096×11008), F32, written once as PEFT folders
 * and cached. Values: A uniform in ±1/√in (PEFT's Kaiming init), B normal with σ = 0.02 (a trained B is
 * small); each module draws from its own generator seeded by (seed, module name), so files are byte-identical
 * across runs and thread counts.
 */
public final class SyntheticAdapters {
    /** Llama-2-7B's hidden size. */
    public static final int HIDDEN = 4096;
    /** Llama-2-7B's MLP size. */
    public static final int INTERMEDIATE = 11008;
    /** Llama-2-7B's layer count. */
    public static final int LAYERS = 32;
    /** Bumped whenever generated content changes, so stale caches are not reused. */
    private static final int FORMAT_VERSION = 1;

    private SyntheticAdapters() {}

    /** A module to generate. */
    public record Shape(String name, int out, int in) {}

    /** The linear modules of the first {@code layers} layers of Llama-2-7B, in model order. */
    public static List<Shape> llama7b(int layers) {
        return llama(layers, HIDDEN, INTERMEDIATE);
    }

    /** The linear modules of the first {@code layers} layers of a Llama of the given widths, in model order. */
    public static List<Shape> llama(int layers, int hidden, int intermediate) {
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            for (String n : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                shapes.add(new Shape(p + "self_attn." + n, hidden, hidden));
            }
            shapes.add(new Shape(p + "mlp.gate_proj", intermediate, hidden));
            shapes.add(new Shape(p + "mlp.up_proj", intermediate, hidden));
            shapes.add(new Shape(p + "mlp.down_proj", hidden, intermediate));
        }
        return shapes;
    }

    /**
     * The folder of a synthetic Llama-2-7B adapter ({@code layers} layers, rank r, seed) under {@code cache},
     * generated first if absent. Alpha is 2r (scale 2).
     */
    public static Path llama(Path cache, int layers, int rank, long seed) {
        return llama(cache, layers, HIDDEN, INTERMEDIATE, rank, seed);
    }

    /** {@link #llama(Path, int, int, long)} for a Llama of other widths (the smoke benchmark's small one). */
    public static Path llama(Path cache, int layers, int hidden, int intermediate, int rank, long seed) {
        String model = hidden == HIDDEN && intermediate == INTERMEDIATE
                ? "llama2-7b"
                : "llama-h" + hidden + "-i" + intermediate;
        Path folder = cache.resolve(model + "-L" + layers + "-r" + rank + "-s" + seed + "-v" + FORMAT_VERSION);
        if (Files.isRegularFile(folder.resolve("adapter_config.json"))
                && Files.isRegularFile(folder.resolve("adapter_model.safetensors"))) {
            return folder;
        }
        write(folder, llama(layers, hidden, intermediate), rank, seed);
        return folder;
    }

    /** Writes a synthetic adapter of the given shapes (atomically). */
    public static void write(Path folder, List<Shape> shapes, int rank, long seed) {
        PeftConfig config = PeftConfig.lora(rank, 2.0 * rank, "meta-llama/Llama-2-7b-hf")
                .with(n -> {
                    var targets = n.putArray("target_modules");
                    List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
                            .forEach(targets::add);
                    n.put("task_type", "CAUSAL_LM");
                });
        AdapterMeta meta =
                new AdapterMeta(AdapterFormat.PEFT, config, "base_model.model.", Map.of(), Map.of("format", "pt"));
        try (PeftFolderWriter writer = PeftFolderWriter.create(meta)) {
            IntStream.range(0, shapes.size()).parallel().forEach(i -> writer.add(module(shapes.get(i), rank, seed)));
            writer.commit(folder);
        }
    }

    /** One module's tensors, from its own seeded generator. */
    static StoredModule module(Shape s, int rank, long seed) {
        SplittableRandom rnd =
                new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ s.name().hashCode());
        float[] a = new float[rank * s.in()];
        double bound = 1 / Math.sqrt(s.in());
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        float[] b = new float[s.out() * rank];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (gaussian(rnd) * 0.02);
        }
        ModuleSpec spec = ModuleSpec.linear(s.name(), s.out(), s.in(), rank, DType.F32);
        return StoredModule.of(
                spec,
                Tensor.ofFloats(DType.F32, new long[] {rank, s.in()}, a),
                Tensor.ofFloats(DType.F32, new long[] {s.out(), rank}, b),
                2.0);
    }

    static double gaussian(SplittableRandom rnd) {
        // Box–Muller, one value per call: simple and deterministic
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
