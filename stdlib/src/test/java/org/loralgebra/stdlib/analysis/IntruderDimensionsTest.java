package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

class IntruderDimensionsTest {
    private static final int OUT = 36;
    private static final int IN = 30;

    @TempDir
    Path dir;

    /** A base weight U·diag(10·0.8^i)·Vᵀ [36, 30] with its full bases: U [36, 36] (6 columns outside its range), V [30, 30]. */
    private record Base(Dense.M w, Dense.M u, Dense.M v) {
        static Base of(long seed) {
            Random rnd = new Random(seed);
            Dense.M u = Reference.orthonormalColumns(RandomizedSvdTest.gaussian(rnd, OUT, OUT));
            Dense.M v = Reference.orthonormalColumns(RandomizedSvdTest.gaussian(rnd, IN, IN));
            Dense.M d = Dense.zeros(IN, IN);
            for (int i = 0; i < IN; i++) {
                d.v()[i * IN + i] = 10 * Math.pow(0.8, i);
            }
            return new Base(Dense.mul(Dense.mul(Reference.columns(u, IN), d), Dense.transpose(v)), u, v);
        }

        Dense.M u(int i) {
            return column(u, i);
        }

        Dense.M v(int i) {
            return column(v, i);
        }

        private static Dense.M column(Dense.M m, int c) {
            double[] out = new double[m.rows()];
            for (int r = 0; r < m.rows(); r++) {
                out[r] = m.get(r, c);
            }
            return new Dense.M(m.rows(), 1, out);
        }
    }

    /** A module whose update is {@code scale·B·A} with the given dense factors. */
    private static StoredModule module(String name, Dense.M b, Dense.M a, double scale, boolean fanInFanOut) {
        ModuleSpec spec = new ModuleSpec(
                name,
                ModuleKind.LINEAR,
                b.rows(),
                a.cols(),
                a.rows(),
                DType.F32,
                new long[0],
                fanInFanOut,
                false,
                false);
        return StoredModule.of(
                spec,
                Tensor.ofDoubles(DType.F32, new long[] {a.rows(), a.cols()}, a.v()),
                Tensor.ofDoubles(DType.F32, new long[] {b.rows(), b.cols()}, b.v()),
                scale);
    }

    private static Adapter adapter(StoredModule... modules) {
        Map<String, StoredModule> map = new LinkedHashMap<>();
        for (StoredModule m : modules) {
            map.put(m.spec().name(), m);
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(2, 2, "synthetic"),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        return Lora.from(new InMemoryAdapter("planted", "synthetic", meta, map));
    }

    private static Tensor tensor(Dense.M m) {
        return Tensor.ofDoubles(DType.F32, new long[] {m.rows(), m.cols()}, m.v());
    }

    /** The dense factors of a stored module, in double. */
    private static Dense.M denseUpdate(StoredModule m) {
        return TestAdapters.dense(m);
    }

    /** The definition, densely: max over all base left singular vectors of |u'ⱼ·u⁰ᵢ| for the top k of W + ΔW. */
    private static double[] referenceMaxCosine(Dense.M w, Dense.M dw, int k, int baseVectors) {
        Dense.M tuned = Reference.leftSingularVectors(Dense.add(w, dw, 1));
        Dense.M base = Reference.columns(Reference.leftSingularVectors(w), baseVectors);
        Dense.M c = Dense.mul(Dense.transpose(Reference.columns(tuned, k)), base);
        double[] max = new double[k];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < baseVectors; i++) {
                max[j] = Math.max(max[j], Math.abs(c.get(j, i)));
            }
        }
        return max;
    }

    /**
     * Two modules. Layer 0 gets two strong planted directions along its two weakest input directions: x₁ outside the
     * base's range (cosine ≈ 0 with every base vector) and x₂ = 0.4·u⁰₃ + 0.92·(outside) (best cosine ≈ 0.4): both
     * intrude. Layer 1 gets a small random update: no intruder.
     */
    private record Planted(Dense.M w0, Dense.M w1, StoredModule m0, StoredModule m1) {
        static Planted of(boolean fanInFanOut) {
            Base base0 = Base.of(52);
            Base base1 = Base.of(53);
            Dense.M x1 = base0.u(30);
            Dense.M x2 = Dense.add(Dense.scale(base0.u(3), 0.4), base0.u(31), Math.sqrt(1 - 0.16));
            Dense.M b0 = Dense.transpose(new Dense.M(
                    2, OUT, concat(Dense.scale(x1, 14).v(), Dense.scale(x2, 12).v())));
            Dense.M a0 = new Dense.M(2, IN, concat(base0.v(29).v(), base0.v(28).v()));
            Random rnd = new Random(51);
            Dense.M b1 = RandomizedSvdTest.gaussian(rnd, OUT, 2);
            Dense.M a1 = RandomizedSvdTest.gaussian(rnd, 2, IN);
            return new Planted(
                    base0.w(),
                    base1.w(),
                    module("model.layers.0.mlp", b0, a0, 1.0, fanInFanOut),
                    module("model.layers.1.mlp", b1, a1, 0.005, fanInFanOut));
        }

        private static double[] concat(double[] x, double[] y) {
            double[] out = Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, out, x.length, y.length);
            return out;
        }
    }

    private Path writeBase(Planted p, boolean transposed, String file) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("model.layers.0.mlp.weight", tensor(transposed ? Dense.transpose(p.w0()) : p.w0()));
        t.put("model.layers.1.mlp.weight", tensor(transposed ? Dense.transpose(p.w1()) : p.w1()));
        t.put("model.embed.weight", tensor(RandomizedSvdTest.gaussian(new Random(1), 5, 4)));
        Path path = dir.resolve(file);
        SafetensorsWriter.write(path, Map.of("format", "pt"), t);
        return path;
    }

    @Test
    void exactCountsMatchTheDefinitionOnPlantedIntruders() {
        Planted p = Planted.of(false);
        Path base = writeBase(p, false, "model.safetensors");
        IntruderOptions exact = IntruderOptions.defaults().withBaseRank(Integer.MAX_VALUE);
        IntruderDimensions result = IntruderDimensions.of(base, adapter(p.m0(), p.m1()), exact);
        assertTrue(result.exact());
        int[] expectedCounts = new int[2];
        for (int layer = 0; layer < 2; layer++) {
            StoredModule m = layer == 0 ? p.m0() : p.m1();
            Dense.M w = layer == 0 ? p.w0() : p.w1();
            double[] reference = referenceMaxCosine(w, denseUpdate(m), 10, IN);
            ModuleIntruders got = result.module(m.spec().name());
            assertEquals(IN, got.baseVectors());
            for (int j = 0; j < 10; j++) {
                assertEquals(reference[j], got.maxCosine()[j], 1e-3, m.spec().name() + " u'" + j);
                assertTrue(
                        Math.abs(reference[j] - 0.5) > 0.02,
                        "test premise: no value at the threshold, u'" + j + " has " + reference[j]);
                expectedCounts[layer] += reference[j] < 0.5 ? 1 : 0;
            }
            assertEquals(expectedCounts[layer], got.count());
            assertEquals(got.count(), got.confirmed(), "exact: every intruder is confirmed");
        }
        assertEquals(2, expectedCounts[0], "test premise: the two planted directions intrude");
        assertEquals(0, expectedCounts[1], "test premise: a small update has no intruder");
        assertEquals(Map.of(0, 2, 1, 0), result.countsByLayer());
        assertEquals(2, result.total());
        assertEquals(2.0, result.grid().get(0, "mlp"), 0);
    }

    @Test
    void fewerBaseVectorsBoundTheExactCount() {
        Planted p = Planted.of(false);
        Path base = writeBase(p, false, "model.safetensors");
        Adapter a = adapter(p.m0(), p.m1());
        IntruderDimensions exact =
                IntruderDimensions.of(base, a, IntruderOptions.defaults().withBaseRank(IN));
        IntruderDimensions few =
                IntruderDimensions.of(base, a, IntruderOptions.defaults().withBaseRank(4));
        for (ModuleIntruders m : few.modules()) {
            ModuleIntruders e = exact.module(m.module());
            assertEquals(4, m.baseVectors());
            assertTrue(m.confirmed() <= e.count() && e.count() <= m.count(), m + " vs exact " + e);
            Dense.M w = m.module().contains("layers.0") ? p.w0() : p.w1();
            StoredModule sm = m.module().contains("layers.0") ? p.m0() : p.m1();
            Dense.M tuned = Reference.columns(Reference.leftSingularVectors(Dense.add(w, denseUpdate(sm), 1)), 10);
            Dense.M c = Dense.mul(Dense.transpose(tuned), Reference.columns(Reference.leftSingularVectors(w), 4));
            for (int j = 0; j < 10; j++) {
                double mass = 0;
                for (int i = 0; i < 4; i++) {
                    mass += c.get(j, i) * c.get(j, i);
                }
                assertEquals(Math.max(0, 1 - mass), m.outsideMass()[j], 2e-3, m.module() + " outside mass " + j);
            }
        }
        // the small update leaves the top 4 base directions in place: its top 4 are confirmed non-intruders,
        // the rest lie outside the 4 compared base vectors and cannot be decided
        ModuleIntruders small = few.module("model.layers.1.mlp");
        for (int j = 0; j < 4; j++) {
            assertAbove(small.maxCosine()[j], 0.99, small.toString());
        }
        assertEquals(0, small.confirmed());
        assertEquals(
                6, small.count(), "u'4..u'9 are orthogonal to the 4 compared base vectors: counted, not confirmed");
    }

    @Test
    void fanInFanOutAndShardedCheckpointsGiveTheSameResult() throws IOException {
        Planted plain = Planted.of(false);
        Planted conv1d = Planted.of(true);
        IntruderDimensions reference =
                IntruderDimensions.of(writeBase(plain, false, "plain.safetensors"), adapter(plain.m0(), plain.m1()));
        Path single = writeBase(conv1d, true, "conv1d.safetensors");
        IntruderDimensions transposed = IntruderDimensions.of(single, adapter(conv1d.m0(), conv1d.m1()));
        for (ModuleIntruders r : reference.modules()) {
            ModuleIntruders t = transposed.module(r.module());
            assertEquals(r.count(), t.count(), "a [in, out] weight is transposed to [out, in]");
            assertArrayEquals(r.maxCosine(), t.maxCosine(), 1e-5);
            assertArrayEquals(r.singularValues(), t.singularValues(), 1e-5);
        }

        Path sharded = Files.createDirectories(dir.resolve("sharded"));
        SafetensorsWriter.write(
                sharded.resolve("model-00001-of-00002.safetensors"),
                Map.of(),
                Map.of("model.layers.0.mlp.weight", tensor(Dense.transpose(conv1d.w0()))));
        SafetensorsWriter.write(
                sharded.resolve("model-00002-of-00002.safetensors"),
                Map.of(),
                Map.of("model.layers.1.mlp.weight", tensor(Dense.transpose(conv1d.w1()))));
        Files.writeString(sharded.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 0}, "weight_map": {
                  "model.layers.0.mlp.weight": "model-00001-of-00002.safetensors",
                  "model.layers.1.mlp.weight": "model-00002-of-00002.safetensors"}}""");
        IntruderDimensions fromShards = IntruderDimensions.of(sharded, adapter(conv1d.m0(), conv1d.m1()));
        assertEquals(transposed.modules(), fromShards.modules(), "shards hold the same values: identical results");
        assertEquals(
                transposed.toJson().replace(transposed.baseModel(), "X"),
                fromShards.toJson().replace(fromShards.baseModel(), "X"));
        assertEquals(
                fromShards.toJson(),
                IntruderDimensions.of(sharded, adapter(conv1d.m0(), conv1d.m1()))
                        .toJson(),
                "same inputs, byte-identical output");
    }

    @Test
    void badBaseModelsAreReportedByFileTensorAndModule() throws IOException {
        Planted p = Planted.of(false);
        Path wrongOrientation = writeBase(p, true, "wrong.safetensors");
        AdapterFormatException shape = assertThrows(
                AdapterFormatException.class, () -> IntruderDimensions.of(wrongOrientation, adapter(p.m0())));
        assertTrue(
                shape.getMessage().contains("wrong.safetensors")
                        && shape.getMessage().contains("model.layers.0.mlp.weight")
                        && shape.getMessage().contains("[36, 30]")
                        && shape.getMessage().contains("[30, 36]"),
                shape.getMessage());

        Path other = dir.resolve("other.safetensors");
        SafetensorsWriter.write(other, Map.of(), Map.of("encoder.block.weight", tensor(p.w0())));
        LoraException missing = assertThrows(LoraException.class, () -> IntruderDimensions.of(other, adapter(p.m0())));
        assertTrue(
                missing.getMessage().contains("no base weight for module 'model.layers.0.mlp'"), missing.getMessage());

        Path layer0Only = dir.resolve("layer0.safetensors");
        SafetensorsWriter.write(layer0Only, Map.of(), Map.of("model.layers.0.mlp.weight", tensor(p.w0())));
        LoraException otherLayer =
                assertThrows(LoraException.class, () -> IntruderDimensions.of(layer0Only, adapter(p.m0(), p.m1())));
        assertTrue(
                otherLayer.getMessage().contains("no base weight for module 'model.layers.1.mlp'"),
                otherLayer.getMessage());

        Path twice = dir.resolve("twice.safetensors");
        SafetensorsWriter.write(
                twice,
                Map.of(),
                Map.of("a.model.layers.0.mlp.weight", tensor(p.w0()), "b.model.layers.0.mlp.weight", tensor(p.w0())));
        assertTrue(assertThrows(LoraException.class, () -> IntruderDimensions.of(twice, adapter(p.m0())))
                .getMessage()
                .contains("matches several base weights"));

        Path sharded = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(
                sharded.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.layers.0.mlp.weight\": \"missing.safetensors\"}}");
        AdapterFormatException shard =
                assertThrows(AdapterFormatException.class, () -> IntruderDimensions.of(sharded, adapter(p.m0())));
        assertTrue(shard.getMessage().contains("missing.safetensors"), shard.getMessage());
        Files.writeString(sharded.resolve("model.safetensors.index.json"), "{\"metadata\": {}}");
        assertTrue(assertThrows(AdapterFormatException.class, () -> IntruderDimensions.of(sharded, adapter(p.m0())))
                .getMessage()
                .contains("weight_map"));
        assertThrows(
                AdapterFormatException.class,
                () -> IntruderDimensions.of(dir.resolve("nothing-here"), adapter(p.m0())));

        ModuleSpec dora = new ModuleSpec(
                "model.layers.0.mlp", ModuleKind.LINEAR, OUT, IN, 2, DType.F32, new long[0], false, true, false);
        StoredModule withMagnitude = new StoredModule(
                dora,
                p.m0().a(),
                p.m0().b(),
                1.0,
                Optional.of(Tensor.ofDoubles(DType.F32, new long[] {OUT}, new double[OUT])),
                Optional.empty());
        Path good = writeBase(p, false, "good.safetensors");
        assertTrue(assertThrows(LoraException.class, () -> IntruderDimensions.of(good, adapter(withMagnitude)))
                .getMessage()
                .contains("DoRA"));
    }

    @Test
    void optionsAreChecked() {
        assertThrows(LoraException.class, () -> IntruderOptions.defaults().withTopK(0));
        assertThrows(LoraException.class, () -> IntruderOptions.defaults().withEpsilon(0));
        assertThrows(LoraException.class, () -> IntruderOptions.defaults().withBaseRank(0));
        assertEquals(10, IntruderOptions.defaults().topK());
        assertEquals(0.5, IntruderOptions.defaults().epsilon());
        assertEquals(50, IntruderOptions.defaults().withTopK(5).baseRank());
    }
}
