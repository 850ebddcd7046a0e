package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The real GPT-2 adapter (fan_in_fan_out, Conv1D weights stored [in, out], PEFT names with a {@code transformer.}
 * prefix the checkpoint lacks) against a synthetic GPT-2-shaped base checkpoint with a decaying spectrum (one weight
 * stored in BF16). The reference is a full LAPACK SVD of the dense W and W + ΔW, an algorithm independent of the
 * randomized one.
 */
class IntrudersOnRealAdapterIT {
    private static final List<String> LAYER0 =
            List.of("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_proj");

    @TempDir
    static Path dir;

    static Path base;

    /** W = P·diag(20·0.7^i)·Q + 0.002·N, [out, in], stored as Wᵀ [in, out] under GPT-2's checkpoint names. */
    @BeforeAll
    static void writeBase() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Random rnd = new Random(61);
        for (int layer : new int[] {0, 11}) {
            tensors.put("h." + layer + ".attn.c_attn.weight", stored(rnd, 2304, 768, DType.F32));
            tensors.put("h." + layer + ".attn.c_proj.weight", stored(rnd, 768, 768, DType.BF16));
            tensors.put("h." + layer + ".mlp.c_proj.weight", stored(rnd, 768, 3072, DType.F32));
        }
        tensors.put("wte.weight", Tensor.ofDoubles(DType.F32, new long[] {10, 768}, new double[7680]));
        base = dir.resolve("model.safetensors");
        SafetensorsWriter.write(base, Map.of("format", "pt"), tensors);
    }

    private static Tensor stored(Random rnd, int out, int in, DType dtype) {
        int k = 48;
        double[] p = new double[out * k];
        double[] q = new double[k * in];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextGaussian() / Math.sqrt(out);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextGaussian() / Math.sqrt(in);
        }
        double[] wt = new double[in * out];
        for (int i = 0; i < out; i++) {
            for (int c = 0; c < k; c++) {
                double pc = p[i * k + c] * 20 * Math.pow(0.7, c);
                for (int j = 0; j < in; j++) {
                    wt[j * out + i] += pc * q[c * in + j];
                }
            }
        }
        for (int i = 0; i < wt.length; i++) {
            wt[i] += 0.002 * rnd.nextGaussian();
        }
        return Tensor.ofDoubles(dtype, new long[] {in, out}, wt);
    }

    /** max |cos| of each of the top 10 left singular vectors of W + ΔW with every left singular vector of W (LAPACK). */
    private static double[][] reference(AdapterSource src, String module) {
        Backend be = Engine.current().backend();
        String key = module.substring("transformer.".length()) + ".weight";
        Tensor t = SafetensorsFile.open(base).read(key);
        Dense.M w = Dense.transpose(new Dense.M((int) t.dim(0), (int) t.dim(1), t.toDoubleArray()));
        Dense.M tuned = Dense.add(w, TestAdapters.dense(src, module), 1);
        Backend.Svd st = be.svd(be.fromRowMajor(tuned.rows(), tuned.cols(), tuned.v()));
        Backend.Svd sb = be.svd(be.fromRowMajor(w.rows(), w.cols(), w.v()));
        int n = Math.min(w.rows(), w.cols());
        Dense.M ut = new Dense.M(w.rows(), n, be.toRowMajor(st.u()));
        Dense.M ub = new Dense.M(w.rows(), n, be.toRowMajor(sb.u()));
        Dense.M c = Dense.mul(Dense.transpose(Reference.columns(ut, 10)), ub);
        double[] max = new double[10];
        for (int j = 0; j < 10; j++) {
            for (int i = 0; i < n; i++) {
                max[j] = Math.max(max[j], Math.abs(c.get(j, i)));
            }
        }
        return new double[][] {max, st.s()};
    }

    @Test
    void exactAnalysisMatchesFullSvdsOnEveryModuleKind() {
        Adapter gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya"));
        AdapterSource src = gpt2.source().orElseThrow();
        IntruderOptions exact =
                IntruderOptions.defaults().withBaseRank(Integer.MAX_VALUE).withSvd(new RandomizedSvd(10, 1));
        IntruderDimensions result = IntruderDimensions.of(base, gpt2.layers(0), exact);
        assertEquals(3, result.modules().size());
        assertTrue(result.exact());
        int compared = 0;
        int intruders = 0;
        for (String m : LAYER0) {
            double[][] ref = reference(src, m);
            double[] s = ref[1];
            ModuleIntruders got = result.module(m);
            assertEquals(768, got.baseVectors());
            for (int j = 0; j < 10; j++) {
                assertEquals(s[j], got.singularValues()[j], 1e-4 * s[0], m + " σ'" + j);
                double gap = Math.min(j == 0 ? Double.MAX_VALUE : s[j - 1] - s[j], s[j] - s[j + 1]);
                if (gap < 1e-3 * s[0]) {
                    continue; // a nearly repeated value: its vector is not defined well enough to compare
                }
                compared++;
                assertEquals(ref[0][j], got.maxCosine()[j], 2e-3, m + " u'" + j);
                if (Math.abs(ref[0][j] - 0.5) > 2e-3) {
                    assertEquals(ref[0][j] < 0.5, got.isIntruder(j), m + " u'" + j);
                    intruders += ref[0][j] < 0.5 ? 1 : 0;
                }
            }
        }
        assertTrue(compared >= 24, "most top vectors are well separated: " + compared);
        assertTrue(
                intruders > 0 && intruders < compared, "test premise: the adapter both intrudes and not: " + intruders);
    }

    @Test
    void defaultOptionsBoundTheExactCountAndAreReproducible() {
        Adapter gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya")).layers(0, 11);
        IntruderDimensions approx = IntruderDimensions.of(base, gpt2);
        IntruderDimensions exact = IntruderDimensions.of(
                base,
                gpt2.layers(0),
                IntruderOptions.defaults().withBaseRank(Integer.MAX_VALUE).withSvd(new RandomizedSvd(10, 1)));
        assertEquals(6, approx.modules().size());
        assertEquals(List.of(0, 11), List.copyOf(approx.countsByLayer().keySet()));
        for (ModuleIntruders e : exact.modules()) {
            ModuleIntruders a = approx.module(e.module());
            assertEquals(100, a.baseVectors());
            assertTrue(a.confirmed() <= e.count() && e.count() <= a.count(), a + " vs exact " + e);
        }
        assertEquals(approx.toJson(), IntruderDimensions.of(base, gpt2).toJson(), "same inputs, byte-identical output");
    }
}
