package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.stdlib.DenseSvd;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Intruder reduction against a dense reference in double precision (Jacobi SVDs of W, W + ΔW and the mitigated
 * update, sharing no code with the library), on a base with a planted intruder: a strong update direction outside
 * the range of W's top singular vectors. A module without intruders keeps its exact tensors.
 */
class ReduceIntrudersTest {
    static final int OUT = 36;
    static final int IN = 30;
    static final int R = 3;
    static final String M0 = "model.layers.0.mlp";
    static final String M1 = "model.layers.1.mlp";

    @TempDir
    Path dir;

    /** W = U·diag(10·0.8^i)·Vᵀ [36, 30], with its full bases. */
    record Base(Dense.M w, Dense.M u, Dense.M v) {
        static Base of(long seed) {
            Random rnd = new Random(seed);
            Dense.M u = Reference.orthonormalColumns(RandomizedSvdTest.gaussian(rnd, OUT, OUT));
            Dense.M v = Reference.orthonormalColumns(RandomizedSvdTest.gaussian(rnd, IN, IN));
            Dense.M d = Dense.zeros(IN, IN);
            for (int i = 0; i < IN; i++) {
                d.v()[i * IN + i] = 10 * Math.pow(0.8, i);
            }
            return new Base(f32(Dense.mul(Dense.mul(Reference.columns(u, IN), d), Dense.transpose(v))), u, v);
        }

        double[] col(Dense.M m, int c) {
            double[] out = new double[m.rows()];
            for (int r = 0; r < m.rows(); r++) {
                out[r] = m.get(r, c);
            }
            return out;
        }
    }

    static Dense.M f32(Dense.M m) {
        double[] v = new double[m.v().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) m.v()[i];
        }
        return new Dense.M(m.rows(), m.cols(), v);
    }

    static StoredModule module(String name, Dense.M b, Dense.M a, boolean fanInFanOut) {
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
                2.0);
    }

    /** r = 3, alpha = 6: scale 2 on every module. */
    static Adapter adapter(StoredModule... modules) {
        Map<String, StoredModule> map = new LinkedHashMap<>();
        for (StoredModule m : modules) {
            map.put(m.spec().name(), m);
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(R, 6, "synthetic"),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        return Lora.from(new InMemoryAdapter("planted", "synthetic", meta, map));
    }

    /**
     * Layer 0: a random small update plus one strong direction (σ ≈ 2·9) from u⁰₃₂ (outside W's range, cosine 0
     * with every left singular vector of W) along W's weakest input direction; layer 1: a small random update only.
     */
    record Planted(Base b0, Base b1, StoredModule m0, StoredModule m1) {
        static Planted of(boolean fanInFanOut) {
            Base b0 = Base.of(61);
            Base b1 = Base.of(62);
            Random rnd = new Random(63);
            Dense.M bb = Dense.scale(RandomizedSvdTest.gaussian(rnd, OUT, R), 0.05);
            Dense.M aa = Dense.scale(RandomizedSvdTest.gaussian(rnd, R, IN), 0.5);
            double[] u = b0.col(b0.u(), 32);
            double[] v = b0.col(b0.v(), 29);
            for (int i = 0; i < OUT; i++) {
                bb.v()[i * R] += 3 * u[i];
            }
            for (int j = 0; j < IN; j++) {
                aa.v()[j] = 3 * v[j] + 0.1 * aa.v()[j];
            }
            Dense.M b1b = Dense.scale(RandomizedSvdTest.gaussian(rnd, OUT, R), 0.02);
            Dense.M b1a = Dense.scale(RandomizedSvdTest.gaussian(rnd, R, IN), 0.5);
            return new Planted(
                    b0, b1, module(M0, f32(bb), f32(aa), fanInFanOut), module(M1, f32(b1b), f32(b1a), fanInFanOut));
        }
    }

    Path writeBase(Planted p, boolean transposed, String file) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put(M0 + ".weight", tensor(transposed ? Dense.transpose(p.b0().w()) : p.b0().w()));
        t.put(M1 + ".weight", tensor(transposed ? Dense.transpose(p.b1().w()) : p.b1().w()));
        Path path = dir.resolve(file);
        SafetensorsWriter.write(path, Map.of("format", "pt"), t);
        return path;
    }

    static Tensor tensor(Dense.M m) {
        return Tensor.ofDoubles(DType.F32, new long[] {m.rows(), m.cols()}, m.v());
    }

    /** The reference: intruder positions, their σ and cosines, and ΔW' (dense, double). */
    record Expected(int[] intruders, double[] sigma, double[] cosine, Dense.M reduced) {}

    static Expected reference(Dense.M w, Dense.M dw, int k, double eps, double lambda, int r) {
        DenseSvd base = DenseSvd.of(w);
        DenseSvd tuned = DenseSvd.of(Dense.add(w, dw, 1));
        List<Integer> idx = new ArrayList<>();
        List<Double> cos = new ArrayList<>();
        Dense.M mitigated = dw;
        for (int j = 0; j < k; j++) {
            double best = 0;
            for (int i = 0; i < base.s().length; i++) {
                double c = 0;
                for (int o = 0; o < w.rows(); o++) {
                    c += tuned.u().get(o, j) * base.u().get(o, i);
                }
                best = Math.max(best, Math.abs(c));
            }
            if (best < eps) {
                idx.add(j);
                cos.add(best);
                Dense.M uv = Dense.zeros(w.rows(), w.cols());
                for (int o = 0; o < w.rows(); o++) {
                    for (int i = 0; i < w.cols(); i++) {
                        uv.v()[o * w.cols() + i] =
                                tuned.u().get(o, j) * tuned.v().get(i, j);
                    }
                }
                mitigated = Dense.add(mitigated, uv, (lambda - 1) * tuned.s()[j]);
            }
        }
        DenseSvd m = DenseSvd.of(mitigated);
        Dense.M truncated = Dense.zeros(w.rows(), w.cols());
        for (int q = 0; q < r; q++) {
            for (int o = 0; o < w.rows(); o++) {
                for (int i = 0; i < w.cols(); i++) {
                    truncated.v()[o * w.cols() + i] += m.s()[q] * m.u().get(o, q) * m.v().get(i, q);
                }
            }
        }
        return new Expected(
                idx.stream().mapToInt(Integer::intValue).toArray(),
                idx.stream().mapToDouble(j -> tuned.s()[j]).toArray(),
                cos.stream().mapToDouble(Double::doubleValue).toArray(),
                truncated);
    }

    static Dense.M dense(Adapter a, String module) {
        var d = a.dense(module);
        return new Dense.M(d.rows(), d.cols(), d.toArray());
    }

    @ParameterizedTest(name = "conv1d={0} k={1} ε={2} λ={3}")
    @CsvSource({"false, 10, 0.5, 0.75", "false, 4, 0.5, 0.0", "true, 10, 0.5, 0.75", "false, 10, 0.9, 0.5"})
    void reducedUpdateMatchesTheDenseReference(boolean conv1d, int k, double eps, double lambda) {
        Planted p = Planted.of(conv1d);
        Adapter a = adapter(p.m0(), p.m1());
        ReduceIntruders op = ReduceIntruders.of(writeBase(p, conv1d, "base.safetensors"), a)
                .topK(k)
                .epsilon(eps)
                .lambda(lambda);
        Path out = dir.resolve("out");
        IntruderReduction report = op.save(out);
        Adapter reduced = Lora.load(out);
        for (String name : List.of(M0, M1)) {
            Dense.M w = name.equals(M0) ? p.b0().w() : p.b1().w();
            Dense.M dw = dense(a, name);
            Expected want = reference(w, dw, k, eps, lambda, R);
            ModuleReduction got = report.module(name);
            assertArrayEquals(want.intruders(), got.intruders(), name + ": intruder positions");
            assertArrayEquals(want.sigma(), got.singularValues(), 1e-5, name + ": σ of the intruders");
            assertArrayEquals(want.cosine(), got.maxCosine(), 1e-5, name + ": best cosines");
            Dense.M gotDw = dense(reduced, name);
            double err = Dense.relError(gotDw, want.reduced());
            assertTrue(err <= 1e-4, name + ": ΔW' relative error " + err);
            double change = Dense.frobenius(Dense.add(want.reduced(), dw, -1)) / Dense.frobenius(dw);
            assertEquals(change, got.relativeChange(), 1e-4 * Math.max(1, change), name + ": relative change");
        }
        assertTrue(report.module(M0).count() >= 1, "the planted direction intrudes: " + report);
    }

    @Test
    void plantedIntruderIsFoundAndTheCleanModuleKeepsItsExactTensors() throws IOException {
        Planted p = Planted.of(false);
        Adapter a = adapter(p.m0(), p.m1());
        Path out = dir.resolve("out");
        IntruderReduction report =
                ReduceIntruders.of(writeBase(p, false, "base.safetensors"), a).save(out);
        ModuleReduction m0 = report.module(M0);
        assertEquals(1, m0.count(), report.toString());
        assertEquals(0, m0.intruders()[0], "the planted direction is the strongest: " + m0);
        assertTrue(m0.maxCosine()[0] < 0.1, "nearly orthogonal to every base vector: " + m0);
        assertEquals(0, report.module(M1).count(), report.toString());

        SafetensorsFile file = SafetensorsFile.open(out.resolve("adapter_model.safetensors"));
        String prefix = "base_model.model." + M1;
        assertTrue(
                file.read(prefix + ".lora_A.weight").contentEquals(p.m1().a()),
                "no intruders: lora_A written bit for bit");
        assertTrue(
                file.read(prefix + ".lora_B.weight").contentEquals(p.m1().b()),
                "no intruders: lora_B written bit for bit");
        JsonNode config =
                new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
        assertEquals(R, config.get("r").asInt(), config.toString());
        assertEquals(6.0, config.get("lora_alpha").asDouble(), config.toString());
        assertFalse(config.has("rank_pattern") && config.get("rank_pattern").size() > 0, config.toString());

        // PEFT's split: each rank's B column and A row carry √σ' (equal norms)
        float[] b = file.read("base_model.model." + M0 + ".lora_B.weight").toFloatArray();
        float[] am = file.read("base_model.model." + M0 + ".lora_A.weight").toFloatArray();
        for (int q = 0; q < R; q++) {
            double nb = 0;
            double na = 0;
            for (int o = 0; o < OUT; o++) {
                nb += b[o * R + q] * b[o * R + q];
            }
            for (int i = 0; i < IN; i++) {
                na += am[q * IN + i] * am[q * IN + i];
            }
            assertEquals(Math.sqrt(nb), Math.sqrt(na), 1e-5 * Math.sqrt(na), "rank " + q + ": ‖b‖ = ‖a‖");
        }
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(1, json.get("modules_changed").asInt(), report.toJson());
        assertEquals(1, json.get("modules").get(0).get("intruders").asInt(), report.toJson());
    }

    @Test
    void lambdaOneChangesNothingButTheRefit() {
        Planted p = Planted.of(false);
        Adapter a = adapter(p.m0(), p.m1());
        Adapter same = ReduceIntruders.of(writeBase(p, false, "base.safetensors"), a)
                .lambda(1)
                .adapter();
        double err = Dense.relError(dense(same, M0), dense(a, M0));
        assertTrue(err <= 1e-5, "λ = 1 keeps ΔW (rank r already): " + err);
    }

    @Test
    void badBasesFailNamingFileTensorAndModule() {
        Planted p = Planted.of(false);
        Adapter a = adapter(p.m0(), p.m1());
        Path layer0Only = dir.resolve("layer0.safetensors");
        SafetensorsWriter.write(layer0Only, Map.of(), Map.of(M0 + ".weight", tensor(p.b0().w())));
        LoraException missing = assertThrows(
                LoraException.class, () -> ReduceIntruders.of(layer0Only, a).adapter());
        assertTrue(
                missing.getMessage().contains("layer0.safetensors")
                        && missing.getMessage().contains(M1),
                missing.getMessage());

        double[] bad = p.b1().w().v().clone();
        bad[5 * IN + 7] = Double.NaN;
        Path nan = dir.resolve("nan.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put(M0 + ".weight", tensor(p.b0().w()));
        t.put(M1 + ".weight", Tensor.ofDoubles(DType.F32, new long[] {OUT, IN}, bad));
        SafetensorsWriter.write(nan, Map.of(), t);
        Path out = dir.resolve("never");
        AdapterFormatException e = assertThrows(
                AdapterFormatException.class, () -> ReduceIntruders.of(nan, a).save(out));
        assertTrue(
                e.getMessage().contains("nan.safetensors")
                        && e.getMessage().contains(M1 + ".weight")
                        && e.getMessage().contains("[5, 7]"),
                e.getMessage());
        assertFalse(
                Files.exists(out),
                "nothing written: " + Arrays.toString(dir.toFile().list()));

        assertThrows(LoraException.class, () -> ReduceIntruders.of(nan, a).topK(0));
        assertThrows(LoraException.class, () -> ReduceIntruders.of(nan, a).epsilon(0));
        assertThrows(LoraException.class, () -> ReduceIntruders.of(nan, a).lambda(Double.NaN));
    }
}
