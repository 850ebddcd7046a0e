package org.loralgebra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Seeded random adapters of small shapes, and their dense updates computed independently. */
public final class TestAdapters {
    private TestAdapters() {}

    /** A module to generate: name, out, in, rank, scale. */
    public record Shape(String name, int out, int in, int rank, double scale) {}

    /** The default shapes: three modules in two layers, different shapes and ranks. */
    public static List<Shape> shapes(int rank) {
        return List.of(
                new Shape("layers.0.q", 12, 10, rank, 2.0),
                new Shape("layers.0.v", 12, 10, rank, 2.0),
                new Shape("layers.1.mlp", 9, 14, rank, 0.5));
    }

    /** An in-memory source with N(0,1) factors. */
    public static InMemoryAdapter random(String label, long seed, List<Shape> shapes) {
        return random(label, seed, shapes, "test-base");
    }

    /** An in-memory source with N(0,1) factors on the given base model. */
    public static InMemoryAdapter random(String label, long seed, List<Shape> shapes, String baseModel) {
        Random rnd = new Random(seed);
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        for (Shape s : shapes) {
            double[] a = gaussian(rnd, s.rank() * s.in());
            double[] b = gaussian(rnd, s.out() * s.rank());
            ModuleSpec spec = ModuleSpec.linear(s.name(), s.out(), s.in(), s.rank(), DType.F32);
            modules.put(
                    s.name(),
                    StoredModule.of(
                            spec,
                            Tensor.ofDoubles(DType.F32, new long[] {s.rank(), s.in()}, a),
                            Tensor.ofDoubles(DType.F32, new long[] {s.out(), s.rank()}, b),
                            s.scale()));
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(8, 16, baseModel),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        return new InMemoryAdapter(label, baseModel, meta, modules);
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** The dense update scale·B·A of a stored module, in double (from the stored F32 values). */
    public static Dense.M dense(StoredModule m) {
        Dense.M a = new Dense.M(m.spec().rank(), m.spec().in(), m.aMatrix().toDoubleArray());
        Dense.M b = new Dense.M(m.spec().out(), m.spec().rank(), m.bMatrix().toDoubleArray());
        return Dense.scale(Dense.mul(b, a), m.scale());
    }

    /** The dense update of a source's module. */
    public static Dense.M dense(AdapterSource src, String module) {
        return dense(src.read(module));
    }

    /** A source that counts reads per module (to pin what a plan loads). */
    public static final class Counting implements AdapterSource {
        private final AdapterSource inner;
        private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

        public Counting(AdapterSource inner) {
            this.inner = inner;
        }

        public int reads(String module) {
            AtomicInteger n = reads.get(module);
            return n == null ? 0 : n.get();
        }

        public int totalReads() {
            return reads.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public String label() {
            return inner.label();
        }

        @Override
        public Optional<Path> location() {
            return inner.location();
        }

        @Override
        public AdapterType type() {
            return inner.type();
        }

        @Override
        public AdapterMeta meta() {
            return inner.meta();
        }

        @Override
        public StoredModule read(String module) {
            reads.computeIfAbsent(module, k -> new AtomicInteger()).incrementAndGet();
            return inner.read(module);
        }
    }
}
