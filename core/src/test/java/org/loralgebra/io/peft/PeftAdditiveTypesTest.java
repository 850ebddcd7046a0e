package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.FormatFixtures.assertRefused;
import static org.loralgebra.io.FormatFixtures.assertUpdate;
import static org.loralgebra.io.FormatFixtures.rand;
import static org.loralgebra.io.FormatFixtures.tensors;
import static org.loralgebra.io.FormatFixtures.values;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.SaveOptions;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.io.FormatFixtures;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.format.Formats;
import org.loralgebra.io.lycoris.PeftLycorisFolder;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * PEFT folders of the other additive types — LoHa, LoKr, AdaLoRA, VeRA — built by hand, read through {@code Lora.load}
 * and compared with PEFT's formulas ({@code get_delta_weight} of each tuner) evaluated densely by loops here; saved as
 * PEFT LoRA folders and read back; the non-additive types refused naming their {@code peft_type}; malformed folders
 * refused naming file, tensor and module.
 */
class PeftAdditiveTypesTest {
    private static final String P = "base_model.model.";
    private static final double TOL = 1e-13;

    @TempDir
    Path tmp;

    private Path folder(String name, String config, Map<String, Tensor> tensors) {
        Path dir = tmp.resolve(name);
        FormatFixtures.write(dir.resolve(PeftFolder.WEIGHTS), Map.of("format", "pt"), tensors);
        TestFiles.write(dir.resolve(PeftFolder.CONFIG), config);
        return dir;
    }

    private static Dense.M mat(Tensor t, int rows) {
        double[] v = values(t);
        return new Dense.M(rows, v.length / rows, v);
    }

    private static Dense.M hadamard(Dense.M x, Dense.M y, double scale) {
        double[] v = new double[x.v().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = x.v()[i] * y.v()[i] * scale;
        }
        return new Dense.M(x.rows(), x.cols(), v);
    }

    /** PEFT's make_weight_cp: {@code W[p, c, k] = Σᵢⱼ t[i, j, k]·wa[i, p]·wb[j, c]}, flattened. */
    private static Dense.M tucker(Tensor t, Tensor wa, Tensor wb) {
        int r1 = (int) t.dim(0);
        int r2 = (int) t.dim(1);
        int k = (int) (t.numel() / (r1 * r2));
        int out = (int) wa.dim(1);
        int c = (int) wb.dim(1);
        double[] tv = values(t);
        double[] av = values(wa);
        double[] bv = values(wb);
        double[] w = new double[out * c * k];
        for (int p = 0; p < out; p++) {
            for (int ch = 0; ch < c; ch++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int i = 0; i < r1; i++) {
                        for (int j = 0; j < r2; j++) {
                            w[(p * c + ch) * k + kk] += tv[(i * r2 + j) * k + kk] * av[i * out + p] * bv[j * c + ch];
                        }
                    }
                }
            }
        }
        return new Dense.M(out, c * k, w);
    }

    /** {@code kron(x, y)} for matrices, times {@code scale}. */
    private static Dense.M kron(Dense.M x, Dense.M y, double scale) {
        double[] w = new double[x.rows() * y.rows() * x.cols() * y.cols()];
        int cols = x.cols() * y.cols();
        for (int i1 = 0; i1 < x.rows(); i1++) {
            for (int j1 = 0; j1 < x.cols(); j1++) {
                for (int i2 = 0; i2 < y.rows(); i2++) {
                    for (int j2 = 0; j2 < y.cols(); j2++) {
                        w[(i1 * y.rows() + i2) * cols + j1 * y.cols() + j2] = scale * x.get(i1, j1) * y.get(i2, j2);
                    }
                }
            }
        }
        return new Dense.M(x.rows() * y.rows(), cols, w);
    }

    private static void saveF64(Adapter a, Path out) {
        ExecutionOptions before = Lora.options();
        Lora.configure(before.withPrecision(Precision.F64));
        try {
            a.save(out, SaveOptions.defaults().withDtype(DType.F64));
        } finally {
            Lora.configure(before);
        }
    }

    /** load → save (PEFT LoRA folder, F64) → load gives the same update and rank for every module. */
    private void assertRoundTrip(Adapter a, String name) {
        Path out = tmp.resolve(name + "-as-lora");
        saveF64(a, out);
        StoredAdapter back = (StoredAdapter) Formats.open(out, LoadOptions.defaults());
        assertEquals("peft", back.format().id(), "a save writes a PEFT LoRA folder");
        assertEquals("LORA", back.meta().config().get("peft_type").orElseThrow().asText());
        for (String m : a.modules()) {
            assertEquals(a.module(m).rank(), back.type().module(m).orElseThrow().rank(), m + ": the rank is kept");
            double err =
                    FormatFixtures.relError(FormatFixtures.denseF64(Lora.from(back), m), FormatFixtures.denseF64(a, m));
            assertTrue(err <= TOL, m + ": relative error of ΔW after load → save → load " + err);
        }
    }

    // ---- LoHa ----

    @Test
    void lohaFolderWithPatternsAndAnEffectiveConvolution() {
        Tensor w1a = rand(1, 6, 2);
        Tensor w1b = rand(2, 2, 5);
        Tensor w2a = rand(3, 6, 2);
        Tensor w2b = rand(4, 2, 5);
        Tensor t1 = rand(5, 3, 3, 3, 3);
        Tensor c1a = rand(6, 3, 4);
        Tensor c1b = rand(7, 3, 2);
        Tensor t2 = rand(8, 3, 3, 3, 3);
        Tensor c2a = rand(9, 3, 4);
        Tensor c2b = rand(10, 3, 2);
        Path dir = folder(
                "loha",
                "{\"peft_type\": \"LOHA\", \"r\": 2, \"alpha\": 4, \"rank_pattern\": {\"conv\": 3}, "
                        + "\"alpha_pattern\": {\"conv\": 6}, \"use_effective_conv2d\": true, \"task_type\": \"CAUSAL_LM\", "
                        + "\"base_model_name_or_path\": \"tiny\", \"target_modules\": [\"q\", \"conv\"]}",
                tensors(
                        P + "layers.0.q.hada_w1_a",
                        w1a,
                        P + "layers.0.q.hada_w1_b",
                        w1b,
                        P + "layers.0.q.hada_w2_a",
                        w2a,
                        P + "layers.0.q.hada_w2_b",
                        w2b,
                        P + "down.conv.hada_t1",
                        t1,
                        P + "down.conv.hada_w1_a",
                        c1a,
                        P + "down.conv.hada_w1_b",
                        c1b,
                        P + "down.conv.hada_t2",
                        t2,
                        P + "down.conv.hada_w2_a",
                        c2a,
                        P + "down.conv.hada_w2_b",
                        c2b));
        Adapter a = Lora.load(dir);
        assertEquals(ModuleSpec.linear("layers.0.q", 6, 5, 4, DType.F32), a.module("layers.0.q"));
        assertEquals(
                new ModuleSpec(
                        "down.conv", ModuleKind.CONV, 4, 18, 9, DType.F32, new long[] {3, 3}, false, false, false),
                a.module("down.conv"));
        assertUpdate(
                a,
                "layers.0.q",
                hadamard(Dense.mul(mat(w1a, 6), mat(w1b, 2)), Dense.mul(mat(w2a, 6), mat(w2b, 2)), 4.0 / 2),
                TOL);
        assertUpdate(a, "down.conv", hadamard(tucker(t1, c1a, c1b), tucker(t2, c2a, c2b), 6.0 / 3), 1e-12);
        StoredAdapter s = (StoredAdapter) Formats.open(dir, LoadOptions.defaults());
        assertEquals(PeftLycorisFolder.LOHA, s.format());
        assertEquals(AdapterFormat.PEFT, s.meta().format());
        assertEquals("tiny", s.type().baseModel().orElseThrow());
        assertEquals(
                "CAUSAL_LM", s.meta().config().get("task_type").orElseThrow().asText(), "carried into the LoRA config");
        assertRoundTrip(a, "loha");
    }

    // ---- LoKr ----

    @Test
    void lokrFolderScalesByAlphaOverREvenWhenBothFactorsAreWhole() {
        Tensor w1 = rand(11, 2, 3);
        Tensor w2a = rand(12, 3, 2);
        Tensor w2b = rand(13, 2, 4);
        Tensor whole2 = rand(14, 3, 4);
        Path dir = folder(
                "lokr",
                "{\"peft_type\": \"LOKR\", \"r\": 2, \"alpha\": 3}",
                tensors(
                        P + "a.lokr_w1",
                        w1,
                        P + "a.lokr_w2_a",
                        w2a,
                        P + "a.lokr_w2_b",
                        w2b,
                        P + "b.lokr_w1",
                        w1,
                        P + "b.lokr_w2",
                        whole2));
        Adapter a = Lora.load(dir);
        assertEquals(4, a.module("a").rank());
        assertUpdate(a, "a", kron(mat(w1, 2), Dense.mul(mat(w2a, 3), mat(w2b, 2)), 3.0 / 2), TOL);
        assertEquals(6, a.module("b").rank());
        assertUpdate(a, "b", kron(mat(w1, 2), mat(whole2, 3), 3.0 / 2), TOL);
        assertEquals(
                1.5,
                Formats.open(dir, LoadOptions.defaults()).scale("b").getAsDouble(),
                "PEFT applies alpha/r to every LoKr module (LyCORIS would use 1 here)");
        assertRoundTrip(a, "lokr");
    }

    // ---- AdaLoRA ----

    @Test
    void adaloraTrimmedUntrimmedAndUnprunedModules() {
        int initR = 4;
        Tensor a = rand(21, initR, 5);
        Tensor e = rand(22, initR, 1);
        Tensor b = rand(23, 6, initR);
        boolean[] mask = {true, false, true, true};
        int[] keep = {0, 2, 3};
        double[] at = new double[3 * 5];
        double[] et = new double[3];
        double[] bt = new double[6 * 3];
        for (int p = 0; p < 3; p++) {
            System.arraycopy(values(a), keep[p] * 5, at, p * 5, 5);
            et[p] = values(e)[keep[p]];
            for (int i = 0; i < 6; i++) {
                bt[i * 3 + p] = values(b)[i * initR + keep[p]];
            }
        }
        Path dir = folder(
                "adalora",
                "{\"peft_type\": \"ADALORA\", \"init_r\": 4, \"target_r\": 3, \"lora_alpha\": 8, "
                        + "\"r\": 8, \"rank_pattern\": {\"l.trimmed.lora_E\": [true, false, true, true], "
                        + "\"l.untrimmed.lora_E\": [true, false, true, true]}}",
                tensors(
                        P + "l.trimmed.lora_A",
                        Tensor.ofDoubles(DType.F32, new long[] {3, 5}, at),
                        P + "l.trimmed.lora_E",
                        Tensor.ofDoubles(DType.F32, new long[] {3, 1}, et),
                        P + "l.trimmed.lora_B",
                        Tensor.ofDoubles(DType.F32, new long[] {6, 3}, bt),
                        P + "l.untrimmed.lora_A",
                        a,
                        P + "l.untrimmed.lora_E",
                        e,
                        P + "l.untrimmed.lora_B",
                        b,
                        P + "l.full.lora_A",
                        a,
                        P + "l.full.lora_E",
                        e,
                        P + "l.full.lora_B",
                        b));
        Adapter ada = Lora.load(dir);
        double scale = 8 / (double) ((float) 4 + 1e-5f);
        // the reference: B·diag(E ⊙ mask)·A over all init_r ranks, as PEFT's masked training state computes it
        double[] masked = values(e).clone();
        for (int i = 0; i < initR; i++) {
            masked[i] = mask[i] ? masked[i] : 0;
        }
        Dense.M diagMasked = diag(masked);
        Dense.M expectedMasked = Dense.scale(Dense.mul(Dense.mul(mat(b, 6), diagMasked), mat(a, initR)), scale);
        Dense.M expectedFull = Dense.scale(Dense.mul(Dense.mul(mat(b, 6), diag(values(e))), mat(a, initR)), scale);
        assertEquals(3, ada.module("l.trimmed").rank());
        assertEquals(3, ada.module("l.untrimmed").rank(), "the pruned rank is left out");
        assertEquals(4, ada.module("l.full").rank());
        assertUpdate(ada, "l.trimmed", expectedMasked, TOL);
        assertUpdate(ada, "l.untrimmed", expectedMasked, TOL);
        assertUpdate(ada, "l.full", expectedFull, TOL);
        assertEquals(
                scale,
                Formats.open(dir, LoadOptions.defaults()).scale("l.full").getAsDouble(),
                0.0,
                "lora_alpha / (init_r + 1e-5), the sum in float32");
        assertRoundTrip(ada, "adalora");
    }

    private static Dense.M diag(double[] d) {
        double[] v = new double[d.length * d.length];
        for (int i = 0; i < d.length; i++) {
            v[i * d.length + i] = d[i];
        }
        return new Dense.M(d.length, d.length, v);
    }

    // ---- VeRA ----

    @Test
    void veraSharedProjectionsScaledByTheLambdas() {
        int r = 3;
        Tensor sharedA = rand(31, r, 7);
        Tensor sharedB = rand(32, 8, r);
        Tensor lb = rand(33, 5);
        Tensor ld = rand(34, r);
        Tensor lb2 = rand(35, 8);
        Tensor ld2 = rand(36, r);
        Path dir = folder(
                "vera",
                "{\"peft_type\": \"VERA\", \"r\": 3, \"save_projection\": true, \"projection_prng_key\": 0}",
                tensors(
                        "base_model.vera_A",
                        sharedA,
                        "base_model.vera_B",
                        sharedB,
                        P + "l.q.vera_lambda_b",
                        lb,
                        P + "l.q.vera_lambda_d",
                        ld,
                        P + "l.o.vera_lambda_b",
                        lb2,
                        P + "l.o.vera_lambda_d",
                        ld2));
        Adapter a = Lora.load(dir);
        assertEquals(ModuleSpec.linear("l.q", 5, 7, 3, DType.F32), a.module("l.q"), "in = vera_A's width");
        for (String m : List.of("l.q", "l.o")) {
            double[] b = values(m.equals("l.q") ? lb : lb2);
            double[] d = values(m.equals("l.q") ? ld : ld2);
            int out = b.length;
            double[] w = new double[out * 7];
            for (int i = 0; i < out; i++) {
                for (int c = 0; c < 7; c++) {
                    for (int p = 0; p < r; p++) {
                        w[i * 7 + c] += b[i] * values(sharedB)[i * r + p] * d[p] * values(sharedA)[p * 7 + c];
                    }
                }
            }
            assertUpdate(a, m, new Dense.M(out, 7, w), TOL);
        }
        assertRoundTrip(a, "vera");
    }

    // ---- refusals ----

    @Test
    void nonAdditiveTypesAreRefusedNamingTheirPeftTypeFirst() {
        Map<String, String> reasons = Map.of(
                "IA3",
                "rescales activations",
                "LN_TUNING",
                "LayerNorm",
                "BOFT",
                "multiplies the " + "base weight",
                "OFT",
                "orthogonal",
                "HRA",
                "reflection",
                "PROMPT_TUNING",
                "virtual tokens",
                "FOURIERFT",
                "not one of the additive low-rank types");
        reasons.forEach((type, reason) -> {
            Path dir = folder(
                    "t-" + type,
                    "{\"peft_type\": \"" + type + "\", \"r\": 8}",
                    tensors("base_model.model.x.weight", rand(1, 2, 2)));
            var e = assertRefused(dir, null, reason, "LORA, LOHA, LOKR, ADALORA, VERA");
            assertTrue(
                    e.getMessage().startsWith(dir.resolve(PeftFolder.CONFIG) + ": peft_type \"" + type + "\""),
                    e.getMessage());
        });
        // a peft_type that is not a string is shown as written (it read as "" before)
        Path list = folder(
                "t-list", "{\"peft_type\": [\"LORA\"], \"r\": 8}", tensors("base_model.model.x.weight", rand(1, 2, 2)));
        assertRefused(list, null, "[\"LORA\"]", "LORA, LOHA, LOKR, ADALORA, VERA");
    }

    @Test
    void malformedFoldersNameFileTensorModuleExpectedAndFound() {
        String loha = "{\"peft_type\": \"LOHA\", \"r\": 2, \"alpha\": 4}";
        assertRefused(
                folder(
                        "loha-rank",
                        "{\"peft_type\": \"LOHA\", \"r\": 3, \"alpha\": 4}",
                        tensors(
                                P + "q.hada_w1_a",
                                rand(1, 6, 2),
                                P + "q.hada_w1_b",
                                rand(2, 2, 5),
                                P + "q.hada_w2_a",
                                rand(3, 6, 2),
                                P + "q.hada_w2_b",
                                rand(4, 2, 5))),
                P + "q.hada_w1_b",
                "rank 3 for module 'q'",
                "adapter_config.json",
                "rank 2");
        assertRefused(
                folder(
                        "loha-partner",
                        loha,
                        tensors(
                                P + "q.hada_w1_a",
                                rand(1, 6, 2),
                                P + "q.hada_w1_b",
                                rand(2, 2, 5),
                                P + "q.hada_w2_a",
                                rand(3, 6, 2))),
                P + "q.hada_w1_a",
                "partner '" + P + "q.hada_w2_b'",
                "module 'q'");
        assertRefused(
                folder("loha-lokr", loha, tensors(P + "q.lokr_w1", rand(1, 2, 2))),
                P + "q.lokr_w1",
                "LoHa",
                "peft_type",
                ".lokr_w1");
        assertRefused(
                folder(
                        "loha-nan",
                        "{\"peft_type\": \"LOHA\", \"r\": 2, \"alpha\": NaN}",
                        tensors(P + "q.hada_w1_a", rand(1, 6, 2))),
                null,
                "\"alpha\" must be a finite number",
                "NaN");
        assertRefused(
                folder("lokr-zero", "{\"peft_type\": \"LOKR\", \"r\": 0}", tensors(P + "q.lokr_w1", rand(1, 2, 2))),
                null,
                "\"r\" must be a positive integer",
                "0");
        String ada = "{\"peft_type\": \"ADALORA\", \"init_r\": 4}";
        assertRefused(
                folder("ada-e", ada, tensors(P + "q.lora_A", rand(1, 4, 5), P + "q.lora_B", rand(2, 6, 4))),
                P + "q.lora_A",
                "partner '" + P + "q.lora_E'",
                "module 'q'");
        assertRefused(
                folder(
                        "ada-e-shape",
                        ada,
                        tensors(
                                P + "q.lora_A",
                                rand(1, 4, 5),
                                P + "q.lora_E",
                                rand(3, 3, 1),
                                P + "q.lora_B",
                                rand(2, 6, 4))),
                P + "q.lora_E",
                "[4, 1]",
                "[3, 1]");
        assertRefused(
                folder(
                        "ada-rows",
                        ada,
                        tensors(
                                P + "q.lora_A",
                                rand(1, 3, 5),
                                P + "q.lora_E",
                                rand(3, 3, 1),
                                P + "q.lora_B",
                                rand(2, 6, 3))),
                P + "q.lora_A",
                "init_r = 4 rows",
                "rank_pattern",
                "[3, 5]");
        assertRefused(
                folder(
                        "ada-mask",
                        "{\"peft_type\": \"ADALORA\", \"init_r\": 4, \"rank_pattern\": {\"q.lora_E\": "
                                + "[true, true]}}",
                        tensors(
                                P + "q.lora_A",
                                rand(1, 4, 5),
                                P + "q.lora_E",
                                rand(3, 4, 1),
                                P + "q.lora_B",
                                rand(2, 6, 4))),
                null,
                "\"rank_pattern\"",
                "4 true/false values");
        assertRefused(
                folder(
                        "vera-noproj",
                        "{\"peft_type\": \"VERA\", \"r\": 2, \"save_projection\": false, "
                                + "\"projection_prng_key\": 7}",
                        tensors(P + "q.vera_lambda_b", rand(1, 4), P + "q.vera_lambda_d", rand(2, 2))),
                null,
                "\"save_projection\" is false",
                "projection_prng_key",
                "(7)");
        assertRefused(
                folder(
                        "vera-missing",
                        "{\"peft_type\": \"VERA\", \"r\": 2}",
                        tensors(
                                P + "q.vera_lambda_b",
                                rand(1, 4),
                                P + "q.vera_lambda_d",
                                rand(2, 2),
                                "base_model.vera_A",
                                rand(3, 2, 5))),
                "base_model.vera_B",
                "shared VeRA projection vera_B",
                "no such tensor");
        assertRefused(
                folder(
                        "vera-d",
                        "{\"peft_type\": \"VERA\", \"r\": 2}",
                        tensors(
                                P + "q.vera_lambda_b",
                                rand(1, 4),
                                P + "q.vera_lambda_d",
                                rand(2, 3),
                                "base_model.vera_A",
                                rand(3, 2, 5),
                                "base_model.vera_B",
                                rand(4, 6, 2))),
                P + "q.vera_lambda_d",
                "[2]",
                "module 'q'",
                "[3]");
    }
}
