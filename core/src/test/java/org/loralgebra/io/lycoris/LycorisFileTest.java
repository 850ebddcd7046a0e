package org.loralgebra.io.lycoris;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.FormatFixtures.assertRefused;
import static org.loralgebra.io.FormatFixtures.assertUpdate;
import static org.loralgebra.io.FormatFixtures.rand;
import static org.loralgebra.io.FormatFixtures.scalar;
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
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * LyCORIS files (LoHa, LoKr, LoCon with Tucker cores) built by hand, read into exact LoRA forms and compared with the
 * reference formulas evaluated densely by loops here (LyCORIS {@code functional/loha.py}, {@code lokr.py},
 * {@code general.rebuild_tucker}); round trips through a kohya file; and every malformed case with a named error.
 */
class LycorisFileTest {
    private static final String LIN = "lora_unet_mid_block_attentions_0_proj_out";
    private static final String CONV = "lora_unet_mid_block_resnets_0_conv1";
    private static final double TOL = 1e-13;

    @TempDir
    Path tmp;

    // ---- references: the update as the reference implementations define it, by plain loops ----

    /** {@code M [rows × cols]} of a tensor's values (a kernel flattened). */
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

    /** LyCORIS' rebuild: {@code W[p, c, k] = Σᵢⱼ t[i, j, k]·u[i, p]·v[j, c]}, flattened {@code [out, c·K]}. */
    private static Dense.M tucker(Tensor t, Tensor u, Tensor v) {
        long[] ts = t.shape();
        int r1 = (int) ts[0];
        int r2 = (int) ts[1];
        int k = (int) (t.numel() / (r1 * r2));
        int out = (int) u.dim(1);
        int c = (int) v.dim(1);
        double[] tv = values(t);
        double[] uv = values(u);
        double[] vv = values(v);
        double[] w = new double[out * c * k];
        for (int p = 0; p < out; p++) {
            for (int ch = 0; ch < c; ch++) {
                for (int kk = 0; kk < k; kk++) {
                    double s = 0;
                    for (int i = 0; i < r1; i++) {
                        for (int j = 0; j < r2; j++) {
                            s += tv[(i * r2 + j) * k + kk] * uv[i * out + p] * vv[j * c + ch];
                        }
                    }
                    w[(p * c + ch) * k + kk] = s;
                }
            }
        }
        return new Dense.M(out, c * k, w);
    }

    /** {@code kron(x, y)} with {@code y} seen as {@code [a₂, b₂, k…]}, flattened as the update {@code [a₁a₂, b₁b₂, k…]}. */
    private static Dense.M kron(Dense.M x, Tensor y, int kernel, double scale) {
        int a2 = (int) y.dim(0);
        int b2 = (int) (y.numel() / a2 / kernel);
        double[] yv = values(y);
        int out = x.rows() * a2;
        int channels = x.cols() * b2;
        double[] w = new double[out * channels * kernel];
        for (int i1 = 0; i1 < x.rows(); i1++) {
            for (int j1 = 0; j1 < x.cols(); j1++) {
                for (int i2 = 0; i2 < a2; i2++) {
                    for (int j2 = 0; j2 < b2; j2++) {
                        for (int kk = 0; kk < kernel; kk++) {
                            int row = i1 * a2 + i2;
                            int channel = j1 * b2 + j2;
                            w[(row * channels + channel) * kernel + kk] =
                                    scale * x.get(i1, j1) * yv[(i2 * b2 + j2) * kernel + kk];
                        }
                    }
                }
            }
        }
        return new Dense.M(out, channels * kernel, w);
    }

    private static Tensor product(Tensor a, Tensor b) {
        Dense.M m = Dense.mul(mat(a, (int) a.dim(0)), mat(b, (int) b.dim(0)));
        return Tensor.ofDoubles(DType.F64, new long[] {m.rows(), m.cols()}, m.v());
    }

    private Path file(String name, Map<String, Tensor> tensors) {
        return FormatFixtures.write(
                tmp.resolve(name + ".safetensors"),
                Map.of(
                        "ss_network_module",
                        "lycoris.kohya",
                        "ss_network_args",
                        "{\"algo\": \"loha\"}",
                        "ss_output_name",
                        name),
                tensors);
    }

    // ---- LoHa ----

    @Test
    void lohaLinearIsTheHadamardProductOfTwoLowRankMatricesAtRankRSquared() {
        Tensor w1a = rand(1, 6, 2);
        Tensor w1b = rand(2, 2, 5);
        Tensor w2a = rand(3, 6, 2);
        Tensor w2b = rand(4, 2, 5);
        Path f = file(
                "loha",
                tensors(
                        LIN + ".hada_w1_a",
                        w1a,
                        LIN + ".hada_w1_b",
                        w1b,
                        LIN + ".hada_w2_a",
                        w2a,
                        LIN + ".hada_w2_b",
                        w2b,
                        LIN + ".alpha",
                        scalar(1)));
        Adapter a = Lora.load(f);
        assertEquals(
                ModuleSpec.linear(LIN, 6, 5, 4, DType.F32),
                a.module(LIN),
                "rank r₁·r₂ = 4, saved as F32 like its input");
        Dense.M expected = hadamard(Dense.mul(mat(w1a, 6), mat(w1b, 2)), Dense.mul(mat(w2a, 6), mat(w2b, 2)), 1.0 / 2);
        assertUpdate(a, LIN, expected, TOL);
        StoredAdapter s = (StoredAdapter) Formats.open(f, LoadOptions.defaults());
        assertEquals(LycorisFile.FORMAT, s.format());
        assertEquals(AdapterFormat.KOHYA, s.meta().format(), "a save writes a plain kohya file");
        assertEquals("loha", s.moduleTensors().get(LIN).factors().form());
        assertEquals(2, s.moduleTensors().get(LIN).factors().sourceRank());
        assertEquals(
                DType.F64, s.read(LIN).a().dtype(), "each factor entry is a product of two F32 values: exact in F64");
    }

    @Test
    void lohaTuckerConvolutionAndTheFlatConvolutionForm() {
        Tensor t1 = rand(11, 2, 2, 3, 3);
        Tensor w1a = rand(12, 2, 4);
        Tensor w1b = rand(13, 2, 3);
        Tensor t2 = rand(14, 3, 3, 3, 3);
        Tensor w2a = rand(15, 3, 4);
        Tensor w2b = rand(16, 3, 3);
        Tensor flatA = rand(17, 4, 2);
        Tensor flatB = rand(18, 2, 27);
        Path f = file(
                "loha-conv",
                tensors(
                        CONV + ".hada_t1",
                        t1,
                        CONV + ".hada_w1_a",
                        w1a,
                        CONV + ".hada_w1_b",
                        w1b,
                        CONV + ".hada_t2",
                        t2,
                        CONV + ".hada_w2_a",
                        w2a,
                        CONV + ".hada_w2_b",
                        w2b,
                        CONV + ".alpha",
                        scalar(4),
                        "flat.hada_w1_a",
                        flatA,
                        "flat.hada_w1_b",
                        flatB,
                        "flat.hada_w2_a",
                        flatA,
                        "flat.hada_w2_b",
                        flatB));
        Adapter a = Lora.load(f);
        assertEquals(
                new ModuleSpec(CONV, ModuleKind.CONV, 4, 27, 6, DType.F32, new long[] {3, 3}, false, false, false),
                a.module(CONV),
                "Tucker ranks 2 and 3: rank 6, kernel 3×3");
        assertUpdate(a, CONV, hadamard(tucker(t1, w1a, w1b), tucker(t2, w2a, w2b), 4.0 / 2), 1e-12);
        assertEquals(
                ModuleSpec.linear("flat", 4, 27, 4, DType.F32),
                a.module("flat"),
                "a convolution stored flat carries no kernel: read as 4 × (3·3·3)");
        Dense.M w = Dense.mul(mat(flatA, 4), mat(flatB, 2));
        assertUpdate(a, "flat", hadamard(w, w, 1.0), TOL);
        assertArrayEquals(
                new long[] {6, 3, 3, 3},
                Formats.open(f, LoadOptions.defaults()).read(CONV).a().shape());
    }

    // ---- LoKr ----

    @Test
    void lokrIsTheKroneckerProductWithWholeFactorsAsIdentityProducts() {
        Tensor w1 = rand(21, 2, 3);
        Tensor w2a = rand(22, 3, 2);
        Tensor w2b = rand(23, 2, 4);
        Tensor w1a = rand(24, 2, 1);
        Tensor w1b = rand(25, 1, 3);
        Tensor whole2 = rand(26, 3, 4);
        Path f = file(
                "lokr",
                tensors(
                        LIN + ".lokr_w1",
                        w1,
                        LIN + ".lokr_w2_a",
                        w2a,
                        LIN + ".lokr_w2_b",
                        w2b,
                        LIN + ".alpha",
                        scalar(3),
                        "both.lokr_w1_a",
                        w1a,
                        "both.lokr_w1_b",
                        w1b,
                        "both.lokr_w2_a",
                        w2a,
                        "both.lokr_w2_b",
                        w2b,
                        "both.alpha",
                        scalar(1),
                        "whole.lokr_w1",
                        w1,
                        "whole.lokr_w2",
                        whole2,
                        "whole.alpha",
                        scalar(7)));
        Adapter a = Lora.load(f);
        assertEquals(ModuleSpec.linear(LIN, 6, 12, 4, DType.F32), a.module(LIN), "rank min(2, 3)·2");
        assertUpdate(a, LIN, kron(mat(w1, 2), product(w2a, w2b), 1, 3.0 / 2), TOL);
        assertEquals(2, a.module("both").rank(), "decompose_both: rank 1·2");
        assertUpdate(a, "both", kron(Dense.mul(mat(w1a, 2), mat(w1b, 1)), product(w2a, w2b), 1, 1.0 / 1), TOL);
        assertEquals(6, a.module("whole").rank(), "both whole: min(2, 3)·min(3, 4)");
        assertUpdate(a, "whole", kron(mat(w1, 2), whole2, 1, 1.0), TOL);
        assertEquals(
                1.0,
                Formats.open(f, LoadOptions.defaults()).scale("whole").getAsDouble(),
                "both factors whole: LyCORIS uses scale 1 whatever alpha says");
    }

    @Test
    void lokrConvolutionsWholeAndTucker() {
        Tensor w1 = rand(31, 2, 2);
        Tensor w2 = rand(32, 3, 2, 3, 3);
        Tensor t2 = rand(33, 2, 2, 3, 3);
        Tensor w2a = rand(34, 2, 3);
        Tensor w2b = rand(35, 2, 2);
        Path f = file(
                "lokr-conv",
                tensors(
                        CONV + ".lokr_w1",
                        w1,
                        CONV + ".lokr_w2",
                        w2,
                        "tucker.lokr_w1",
                        w1,
                        "tucker.lokr_t2",
                        t2,
                        "tucker.lokr_w2_a",
                        w2a,
                        "tucker.lokr_w2_b",
                        w2b,
                        "tucker.alpha",
                        scalar(1)));
        Adapter a = Lora.load(f);
        assertEquals(
                new ModuleSpec(CONV, ModuleKind.CONV, 6, 36, 6, DType.F32, new long[] {3, 3}, false, false, false),
                a.module(CONV),
                "[2·3, 2·2, 3, 3] of rank min(2, 2)·min(3, 2·3·3)");
        assertUpdate(a, CONV, kron(mat(w1, 2), w2, 9, 1.0), TOL);
        Dense.M w2Tucker = tucker(t2, w2a, w2b);
        Tensor w2t = Tensor.ofDoubles(DType.F64, new long[] {3, 2, 3, 3}, w2Tucker.v());
        assertEquals(4, a.module("tucker").rank(), "rank 2·2");
        assertUpdate(a, "tucker", kron(mat(w1, 2), w2t, 9, 1.0 / 2), 1e-12);
    }

    // ---- LoCon ----

    @Test
    void loconWithATuckerCoreAndPlainLoconInTheSameFile() {
        Tensor up = rand(41, 4, 2, 1, 1);
        Tensor mid = rand(42, 2, 2, 3, 3);
        Tensor down = rand(43, 2, 3, 1, 1);
        Tensor plainDown = rand(44, 2, 5);
        Tensor plainUp = rand(45, 6, 2);
        Path f = file(
                "locon",
                tensors(
                        CONV + ".lora_up.weight",
                        up,
                        CONV + ".lora_mid.weight",
                        mid,
                        CONV + ".lora_down.weight",
                        down,
                        CONV + ".alpha",
                        scalar(1),
                        LIN + ".lora_down.weight",
                        plainDown,
                        LIN + ".lora_up.weight",
                        plainUp,
                        LIN + ".alpha",
                        scalar(8)));
        Adapter a = Lora.load(f);
        assertEquals(
                new ModuleSpec(CONV, ModuleKind.CONV, 4, 27, 2, DType.F32, new long[] {3, 3}, false, false, false),
                a.module(CONV));
        Tensor upModes = Tensor.ofDoubles(
                DType.F64, new long[] {2, 4}, Dense.transpose(mat(up, 4)).v());
        assertUpdate(
                a,
                CONV,
                Dense.scale(
                        tucker(mid, upModes, Tensor.ofDoubles(DType.F64, new long[] {2, 3}, values(down))), 1.0 / 2),
                1e-12);
        assertEquals(ModuleSpec.linear(LIN, 6, 5, 2, DType.F32), a.module(LIN), "plain LoCon keeps its stored factors");
        assertUpdate(a, LIN, Dense.scale(Dense.mul(mat(plainUp, 6), mat(plainDown, 2)), 8.0 / 2), TOL);
    }

    // ---- save ----

    @Test
    void saveWritesAPlainKohyaLoraOfTheSameUpdateAndRank() {
        Path f = file(
                "mixed",
                tensors(
                        LIN + ".hada_w1_a",
                        rand(1, 6, 2),
                        LIN + ".hada_w1_b",
                        rand(2, 2, 5),
                        LIN + ".hada_w2_a",
                        rand(3, 6, 2),
                        LIN + ".hada_w2_b",
                        rand(4, 2, 5),
                        LIN + ".alpha",
                        scalar(1),
                        "k.lokr_w1",
                        rand(5, 2, 2),
                        "k.lokr_w2_a",
                        rand(6, 3, 1),
                        "k.lokr_w2_b",
                        rand(7, 1, 2),
                        "k.alpha",
                        scalar(2),
                        "bundle_emb.token",
                        rand(8, 2, 4)));
        String sum = TestFiles.checksum(f);
        Adapter a = Lora.load(f);
        Path rounded = tmp.resolve("plain-f32.safetensors");
        a.save(rounded.toString());
        assertEquals(
                DType.F32,
                SafetensorsFile.open(rounded)
                        .tensors()
                        .get(LIN + ".lora_down.weight")
                        .dtype(),
                "by default the input's dtype");
        for (String m : a.modules()) {
            double err = FormatFixtures.relError(
                    FormatFixtures.denseF64(Lora.load(rounded), m), FormatFixtures.denseF64(a, m));
            assertTrue(err <= 1e-6, m + ": relative error after a save in F32 " + err);
        }
        Path out = tmp.resolve("plain.safetensors");
        ExecutionOptions before = Lora.options();
        Lora.configure(before.withPrecision(Precision.F64));
        try {
            a.save(out, SaveOptions.defaults().withDtype(DType.F64));
        } finally {
            Lora.configure(before);
        }
        AdapterSource back = Formats.open(out, LoadOptions.defaults());
        assertEquals(AdapterFormat.KOHYA, back.meta().format());
        assertEquals("kohya", ((StoredAdapter) back).format().id(), "plain lora_down / lora_up keys");
        SafetensorsFile written = SafetensorsFile.open(out);
        assertTrue(written.tensors().keySet().stream().noneMatch(k -> k.contains("hada_") || k.contains("lokr_")));
        assertEquals(
                List.of(4L, 5L),
                List.of(
                        written.tensors().get(LIN + ".lora_down.weight").shape()[0],
                        written.tensors().get(LIN + ".lora_down.weight").shape()[1]),
                "rank r₁·r₂ written as it is");
        for (String m : a.modules()) {
            assertEquals(a.module(m).rank(), back.type().module(m).orElseThrow().rank(), m);
            double err =
                    FormatFixtures.relError(FormatFixtures.denseF64(Lora.from(back), m), FormatFixtures.denseF64(a, m));
            assertTrue(err <= TOL, m + ": relative error after load → save → load " + err);
        }
        assertTrue(back.meta().extras().containsKey("bundle_emb.token"), "extra tensors are kept");
        Map<String, String> meta = written.metadata();
        assertFalse(
                meta.containsKey("ss_network_module") || meta.containsKey("ss_network_args"),
                "the LyCORIS network description is not written over a plain LoRA: " + meta);
        assertEquals("mixed", meta.get("ss_output_name"));
        assertEquals(sum, TestFiles.checksum(f), "input unchanged");
    }

    // ---- malformed ----

    @Test
    void malformedFilesNameTheFileTensorModuleExpectedAndFound() {
        assertRefused(
                file(
                        "lonely",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 2, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 6, 2))),
                LIN + ".hada_w1_a",
                "partner '" + LIN + ".hada_w2_b'",
                "module '" + LIN + "'",
                "no such tensor");
        assertRefused(
                file(
                        "rows",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 3, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 6, 2),
                                LIN + ".hada_w2_b",
                                rand(4, 2, 5))),
                LIN + ".hada_w1_b",
                "r = 2",
                "[6, 2]",
                "found shape [3, 5]");
        assertRefused(
                file(
                        "shapes",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 2, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 7, 2),
                                LIN + ".hada_w2_b",
                                rand(4, 2, 5))),
                LIN + ".hada_w2_a",
                "[6, 5]",
                "[7, 5]");
        assertRefused(
                file(
                        "half-tucker",
                        tensors(
                                CONV + ".hada_t1",
                                rand(1, 2, 2, 3, 3),
                                CONV + ".hada_w1_a",
                                rand(2, 2, 4),
                                CONV + ".hada_w1_b",
                                rand(3, 2, 3),
                                CONV + ".hada_w2_a",
                                rand(4, 2, 4),
                                CONV + ".hada_w2_b",
                                rand(5, 2, 3))),
                null,
                "partner '" + CONV + ".hada_t2'");
        assertRefused(
                file(
                        "core",
                        tensors(
                                CONV + ".hada_t1",
                                rand(1, 2, 2, 3, 3),
                                CONV + ".hada_w1_a",
                                rand(2, 3, 4),
                                CONV + ".hada_w1_b",
                                rand(3, 2, 3),
                                CONV + ".hada_t2",
                                rand(1, 2, 2, 3, 3),
                                CONV + ".hada_w2_a",
                                rand(4, 2, 4),
                                CONV + ".hada_w2_b",
                                rand(5, 2, 3))),
                CONV + ".hada_w1_a",
                "first dim of the Tucker core",
                "[3, 4]");
        assertRefused(
                file(
                        "nan-alpha",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 2, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 6, 2),
                                LIN + ".hada_w2_b",
                                rand(4, 2, 5),
                                LIN + ".alpha",
                                scalar(Double.NaN))),
                LIN + ".alpha",
                "finite alpha",
                "NaN");
        assertRefused(
                file(
                        "dora",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 2, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 6, 2),
                                LIN + ".hada_w2_b",
                                rand(4, 2, 5),
                                LIN + ".dora_scale",
                                rand(5, 1, 5))),
                LIN + ".dora_scale",
                "dora_scale [1, 5]",
                "base weight",
                "module '" + LIN + "'");
        assertRefused(
                file(
                        "kohya-dora",
                        tensors(
                                LIN + ".lora_down.weight",
                                rand(1, 2, 5),
                                LIN + ".lora_up.weight",
                                rand(2, 6, 2),
                                LIN + ".dora_scale",
                                rand(5, 6, 1))),
                LIN + ".dora_scale",
                "DoRA");
        assertRefused(
                file(
                        "both",
                        tensors(
                                LIN + ".lokr_w1",
                                rand(1, 2, 2),
                                LIN + ".lokr_w1_a",
                                rand(2, 2, 1),
                                LIN + ".lokr_w1_b",
                                rand(3, 1, 2),
                                LIN + ".lokr_w2",
                                rand(4, 3, 3))),
                LIN + ".lokr_w1_a",
                "either '" + LIN + ".lokr_w1'",
                "both");
        assertRefused(
                file("mix", tensors(LIN + ".lokr_w1", rand(1, 2, 2), LIN + ".hada_w1_a", rand(2, 2, 1))),
                null,
                "one algorithm",
                "module '" + LIN + "'");
        assertRefused(
                file("lokr-missing", tensors(LIN + ".lokr_w1", rand(1, 2, 2), LIN + ".lokr_w2_a", rand(2, 3, 1))),
                null,
                "partner '" + LIN + ".lokr_w2_b'");
        assertRefused(
                file("oft", tensors(LIN + ".oft_blocks", rand(1, 4, 2, 2), LIN + ".hada_w1_a", rand(2, 2, 1))),
                LIN + ".oft_blocks",
                "OFT",
                "not an additive update");
        assertRefused(
                file("diff", tensors(LIN + ".diff", rand(1, 4, 4), "x.hada_w1_a", rand(2, 2, 1))),
                LIN + ".diff",
                "full");
        assertRefused(
                file(
                        "alpha-shape",
                        tensors(
                                LIN + ".hada_w1_a",
                                rand(1, 6, 2),
                                LIN + ".hada_w1_b",
                                rand(2, 2, 5),
                                LIN + ".hada_w2_a",
                                rand(3, 6, 2),
                                LIN + ".hada_w2_b",
                                rand(4, 2, 5),
                                LIN + ".alpha",
                                rand(5, 2))),
                LIN + ".alpha",
                "one floating-point value",
                "F32[2]");
    }
}
