package org.loralgebra.hub;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A generated hub on disk: seeded random PEFT folders of small shapes and ranks 1–5, among them copies (exact
 * duplicates), adapters of another base model, and deliberately bad ones: a truncated file, a NaN, an all-zero B.
 */
final class GeneratedHub {
    /** Adapter i's folder name. */
    static String name(int i) {
        return String.format("a%03d", i);
    }

    final List<String> paths = new ArrayList<>();
    final String truncated;
    final String nan;
    final String zeroB;
    final String otherBase;
    final String copyOf7;

    GeneratedHub(Path dir, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Path p = dir.resolve(name(i));
            int rank = 1 + i % 5;
            long seed = i == 8 ? 7 + 1000 : i + 1000; // adapter 8 is an exact copy of adapter 7 (same seed, rank 3)
            if (i == 8) {
                rank = 1 + 7 % 5;
            }
            if (i == 5) {
                writeZeroB(p, rank);
            } else {
                Lora.from(TestAdapters.random(
                                name(i), seed, TestAdapters.shapes(rank), i % 40 == 11 ? "other-base" : "test-base"))
                        .save(p.toString());
            }
            paths.add(p.toString());
        }
        truncated = paths.get(3);
        nan = paths.get(4);
        zeroB = paths.get(5);
        otherBase = paths.get(11);
        copyOf7 = paths.get(8);
        Path trunc = Path.of(truncated, "adapter_model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(trunc.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        poisonFirstValue(Path.of(nan, "adapter_model.safetensors"));
    }

    /** Writes a NaN over the first value of the data section. */
    private static void poisonFirstValue(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long header =
                ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteBuffer.wrap(bytes, (int) (8 + header), 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(Float.NaN);
        Files.write(file, bytes);
    }

    private static void writeZeroB(Path p, int rank) {
        Random rnd = new Random(5);
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        for (TestAdapters.Shape s : TestAdapters.shapes(rank)) {
            double[] a = new double[s.rank() * s.in()];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextGaussian();
            }
            modules.put(
                    s.name(),
                    StoredModule.of(
                            ModuleSpec.linear(s.name(), s.out(), s.in(), s.rank(), DType.F32),
                            Tensor.ofDoubles(DType.F32, new long[] {s.rank(), s.in()}, a),
                            Tensor.ofDoubles(DType.F32, new long[] {s.out(), s.rank()}, new double[s.out() * s.rank()]),
                            s.scale()));
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(8, 16, "test-base"),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        Lora.from(new InMemoryAdapter("zero-b", "test-base", meta, modules)).save(p.toString());
    }
}
