package org.loralgebra.stdlib.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Deterministic base checkpoints for the {@code bake} benchmark: one folder per module shape, holding one F16 weight
 * {@code MODULE.weight} [out, in] (a Llama-2 checkpoint's dtype, values normal with σ = 0.02 from a generator seeded
 * by the module name) in {@code model.safetensors}, and a {@code config.json}. A whole Llama-2-7B base is 13 GB; the
 * benchmark bakes one module per shape and extrapolates by shape, as for its other dense operations, so only these
 * folders are needed. The numpy and PyTorch peers bake the same files (they read the one tensor a folder holds).
 */
public final class SyntheticBases {
    /** Bumped whenever generated content changes, so stale folders are not reused. */
    private static final int FORMAT_VERSION = 1;

    private SyntheticBases() {}

    /** The folder of bases under {@code root}: one subfolder per shape, named {@code OUTxIN}. */
    public static Path folder(Path root) {
        return root.resolve("bake-base-v" + FORMAT_VERSION);
    }

    /**
     * The base checkpoint for module {@code s} under {@code root} ({@code folder(root)/OUTxIN}), written first
     * (atomically) when absent or made for another module of that shape.
     */
    public static Path of(Path root, SyntheticAdapters.Shape s) {
        Path dir = folder(root).resolve(s.out() + "x" + s.in());
        Path config = dir.resolve("config.json");
        String tensor = s.name() + ".weight";
        try {
            if (Files.isRegularFile(config)
                    && Files.isRegularFile(dir.resolve(Checkpoint.SINGLE))
                    && Checkpoint.open(dir).has(tensor)) {
                return dir;
            }
            Files.createDirectories(dir.getParent());
            AtomicWrites.writeFolder(dir, tmp -> {
                SafetensorsWriter.write(
                        tmp.resolve(Checkpoint.SINGLE), Map.of("format", "pt"), Map.of(tensor, weight(s)));
                Files.writeString(
                        tmp.resolve("config.json"),
                        "{\"model_type\": \"llama\", \"torch_dtype\": \"float16\"}\n",
                        StandardCharsets.UTF_8);
            });
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bake benchmark's base " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The weight [out, in] in F16, from the module's own seeded generator. */
    static Tensor weight(SyntheticAdapters.Shape s) {
        SplittableRandom rnd = new SplittableRandom(0x5DEECE66DL ^ s.name().hashCode());
        float[] w = new float[Math.multiplyExact(s.out(), s.in())];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (SyntheticAdapters.gaussian(rnd) * 0.02);
        }
        return Tensor.ofFloats(DType.F16, new long[] {s.out(), s.in()}, w);
    }
}
