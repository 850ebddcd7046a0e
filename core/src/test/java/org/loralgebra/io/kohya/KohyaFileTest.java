package org.loralgebra.io.kohya;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.TestFiles.f32;
import static org.loralgebra.io.TestFiles.randomF32;
import static org.loralgebra.io.TestFiles.tensors;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Kohya / diffusers LoRA files: key styles, alphas, convolutions, round trips, and named errors. */
class KohyaFileTest {
    private static final String PROJ_IN = "lora_unet_down_blocks_0_attentions_0_proj_in";
    private static final String CONV1 = "lora_unet_mid_block_resnets_0_conv1";
    private static final String Q_PROJ = "lora_te_text_model_encoder_layers_0_self_attn_q_proj";

    @TempDir
    Path tmp;

    private static TestFiles.Raw f16Scalar(int bits) {
        return new TestFiles.Raw("F16", new long[0], new byte[] {(byte) bits, (byte) (bits >>> 8)});
    }

    /** A kohya file written byte by byte: a 1×1 conv, a 3×3 conv, a linear module without alpha, an extra. */
    private Path sdLora() {
        return TestFiles.write(
                tmp.resolve("style.safetensors"),
                TestFiles.safetensors(
                        tensors(
                                PROJ_IN + ".alpha",
                                f16Scalar(0x4000), // 2.0 in F16
                                PROJ_IN + ".lora_down.weight",
                                randomF32(1, 4, 320, 1, 1),
                                PROJ_IN + ".lora_up.weight",
                                randomF32(2, 320, 4, 1, 1),
                                CONV1 + ".alpha",
                                f32(new long[0], 4f),
                                CONV1 + ".lora_down.weight",
                                randomF32(3, 4, 32, 3, 3),
                                CONV1 + ".lora_up.weight",
                                randomF32(4, 64, 4, 1, 1),
                                Q_PROJ + ".lora_down.weight",
                                randomF32(5, 4, 16),
                                Q_PROJ + ".lora_up.weight",
                                randomF32(6, 16, 4),
                                "bundle_emb.mytoken.string_to_param.*",
                                randomF32(7, 2, 16)),
                        Map.of("ss_network_dim", "4", "ss_network_alpha", "2.0")));
    }

    @Test
    void readsKohyaModulesWithTheirAlphasAndKinds() {
        Path file = sdLora();
        StoredAdapter a = KohyaFile.read(file, LoadOptions.defaults());
        assertEquals("style", a.label());
        assertEquals(AdapterFormat.KOHYA, a.meta().format());
        assertEquals("", a.meta().keyPrefix());
        assertEquals(List.of(Q_PROJ, PROJ_IN, CONV1), List.copyOf(a.type().names()));
        assertEquals(
                new ModuleSpec(
                        PROJ_IN, ModuleKind.CONV, 320, 320, 4, DType.F32, new long[] {1, 1}, false, false, false),
                a.type().module(PROJ_IN).orElseThrow());
        assertEquals(
                new ModuleSpec(CONV1, ModuleKind.CONV, 64, 288, 4, DType.F32, new long[] {3, 3}, false, false, false),
                a.type().module(CONV1).orElseThrow());
        assertEquals("[64, 32, 3, 3]", a.type().module(CONV1).orElseThrow().shapeString());
        assertEquals(
                ModuleSpec.linear(Q_PROJ, 16, 16, 4, DType.F32),
                a.type().module(Q_PROJ).orElseThrow());
        assertEquals(2.0 / 4, a.scale(PROJ_IN).getAsDouble(), "alpha 2 (F16) / rank 4");
        assertEquals(4.0 / 4, a.scale(CONV1).getAsDouble());
        assertEquals(1.0, a.scale(Q_PROJ).getAsDouble(), "no alpha: alpha = rank");
        StoredModule conv = a.read(CONV1);
        assertArrayEquals(randomF32(3, 4, 32, 3, 3).floats(), conv.a().toFloatArray());
        assertArrayEquals(new long[] {4, 288}, conv.aMatrix().shape());
        assertArrayEquals(new long[] {64, 4}, conv.bMatrix().shape());
        assertEquals(
                List.of("bundle_emb.mytoken.string_to_param.*"),
                List.copyOf(a.meta().extras().keySet()));
        assertEquals("4", a.meta().fileMetadata().get("ss_network_dim"));
        var config = a.meta().config();
        assertEquals(4, config.r());
        for (String m : a.type().names()) {
            assertEquals(a.scale(m).getAsDouble(), config.scaleFor(m), m + ": the synthesized PEFT config agrees");
        }
    }

    @Test
    void readsDiffusersKeyStylesAndZeroOrGivenAlphas() {
        Path file = TestFiles.write(
                tmp.resolve("diffusers.safetensors"),
                TestFiles.safetensors(
                        tensors(
                                "unet.down_blocks.0.attn1.to_q.lora.down.weight", randomF32(1, 2, 8),
                                "unet.down_blocks.0.attn1.to_q.lora.up.weight", randomF32(2, 8, 2),
                                "text_encoder.q_proj.lora_linear_layer.down.weight", randomF32(3, 4, 8),
                                "text_encoder.q_proj.lora_linear_layer.up.weight", randomF32(4, 8, 4),
                                "text_encoder.q_proj.alpha", f32(new long[] {1}, 0f)),
                        Map.of()));
        StoredAdapter a = KohyaFile.read(file, LoadOptions.defaults());
        assertEquals(
                List.of("text_encoder.q_proj", "unet.down_blocks.0.attn1.to_q"),
                List.copyOf(a.type().names()));
        assertEquals(1.0, a.scale("text_encoder.q_proj").getAsDouble(), "alpha 0 means alpha = rank");
        assertEquals(1.0, a.scale("unet.down_blocks.0.attn1.to_q").getAsDouble());
        StoredAdapter given =
                KohyaFile.read(file, LoadOptions.defaults().withAlpha(1).withBaseModel("sd-1.5"));
        assertEquals(
                0.5, given.scale("unet.down_blocks.0.attn1.to_q").getAsDouble(), "a given alpha fills a missing one");
        assertEquals(1.0, given.scale("text_encoder.q_proj").getAsDouble(), "but not a stored one");
        assertEquals("sd-1.5", given.type().baseModel().orElseThrow());
    }

    @Test
    void writeThenReadReproducesModulesAlphasExtrasAndMetadata() throws Exception {
        Path in = sdLora();
        String sum = TestFiles.checksum(in);
        StoredAdapter a = KohyaFile.read(in, LoadOptions.defaults());
        Path out = tmp.resolve("out").resolve("copy.safetensors");
        try (KohyaFileWriter w = KohyaFileWriter.create(a.meta(), List.of(in))) {
            a.type().names().forEach(m -> w.add(a.read(m)));
            w.commit(out);
        }
        StoredAdapter back = KohyaFile.read(out, LoadOptions.defaults());
        assertEquals(a.type(), back.type());
        for (String m : a.type().names()) {
            assertEquals(a.scale(m).getAsDouble(), back.scale(m).getAsDouble(), m);
            assertTrue(
                    a.read(m).a().contentEquals(back.read(m).a())
                            && a.read(m).b().contentEquals(back.read(m).b()),
                    m);
        }
        SafetensorsFile f = SafetensorsFile.open(out);
        assertEquals(a.meta().fileMetadata(), f.metadata());
        assertEquals(
                4.0, f.read(Q_PROJ + ".alpha").toDoubleArray()[0], "a missing alpha is written as scale·rank = 1·4");
        assertEquals(2.0, f.read(PROJ_IN + ".alpha").toDoubleArray()[0]);
        assertTrue(a.meta()
                .extras()
                .get("bundle_emb.mytoken.string_to_param.*")
                .read()
                .contentEquals(f.read("bundle_emb.mytoken.string_to_param.*")));
        assertEquals(sum, TestFiles.checksum(in), "input unchanged");
    }

    @Test
    void alphasAreStoredInTheModuleDtypeWhenExact() {
        SplittableRandom rnd = new SplittableRandom(8);
        ModuleSpec half = ModuleSpec.linear("half", 6, 5, 3, DType.F16);
        ModuleSpec odd = ModuleSpec.linear("odd", 6, 5, 3, DType.BF16);
        StoredModule h = StoredModule.of(half, rand(rnd, DType.F16, 3, 5), rand(rnd, DType.F16, 6, 3), 2.0);
        StoredModule o = StoredModule.of(odd, rand(rnd, DType.BF16, 3, 5), rand(rnd, DType.BF16, 6, 3), 0.1);
        var meta = KohyaFile.read(sdLora(), LoadOptions.defaults()).meta().withExtras(Map.of());
        Path out = tmp.resolve("dtypes.safetensors");
        try (KohyaFileWriter w = KohyaFileWriter.create(meta)) {
            w.add(h);
            w.add(o);
            w.commit(out);
        }
        SafetensorsFile f = SafetensorsFile.open(out);
        Tensor ha = f.read("half.alpha");
        assertEquals(DType.F16, ha.dtype(), "6 is exact in F16");
        assertEquals(0, ha.rank());
        assertEquals(6.0, ha.toDoubleArray()[0]);
        assertEquals(DType.F64, f.read("odd.alpha").dtype(), "0.1·3 is exact in neither BF16 nor F32");
        StoredAdapter back = KohyaFile.read(out, LoadOptions.defaults());
        assertEquals(2.0, back.scale("half").getAsDouble());
        assertEquals(0.1, back.scale("odd").getAsDouble(), Math.ulp(0.1));
        assertEquals(DType.F16, back.type().module("half").orElseThrow().dtype());
    }

    private static Tensor rand(SplittableRandom rnd, DType d, long... shape) {
        double[] v = new double[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() - 0.5;
        }
        return Tensor.ofDoubles(d, shape, v);
    }

    @Test
    void aPeftAdapterGoesToKohyaAndBackToPeftUnchanged() {
        StoredAdapter peft = PeftFolder.read(RealAdapters.path("distilbert-imdb"), LoadOptions.defaults());
        Path file = tmp.resolve("imdb.safetensors");
        try (KohyaFileWriter w = KohyaFileWriter.create(peft.meta())) {
            peft.type().names().forEach(m -> w.add(peft.read(m)));
            w.commit(file);
        }
        StoredAdapter kohya = KohyaFile.read(file, LoadOptions.defaults());
        assertEquals(peft.type().withBaseModel(null), kohya.type());
        assertEquals(peft.meta().extras().keySet(), kohya.meta().extras().keySet());
        Path folder = tmp.resolve("imdb-peft");
        try (PeftFolderWriter w = PeftFolderWriter.create(kohya.meta())) {
            kohya.type().names().forEach(m -> w.add(kohya.read(m)));
            w.commit(folder);
        }
        assertTrue(
                SafetensorsFile.open(folder.resolve(PeftFolder.WEIGHTS)).tensors().keySet().stream()
                        .allMatch(k -> k.startsWith("base_model.model.")),
                "PEFT keys carry PEFT's prefix");
        StoredAdapter again = PeftFolder.read(folder, LoadOptions.defaults());
        for (String m : peft.type().names()) {
            assertEquals(2.0, kohya.scale(m).getAsDouble());
            assertEquals(2.0, again.scale(m).getAsDouble());
            assertTrue(peft.read(m).a().contentEquals(again.read(m).a())
                    && peft.read(m).b().contentEquals(again.read(m).b()));
        }
        assertEquals(List.of("q_lin", "v_lin"), again.meta().config().targetModules());
        assertEquals(16.0, again.meta().config().loraAlpha());
    }

    @Test
    void refusesWhatKohyaCannotHold() {
        StoredAdapter gpt2 = PeftFolder.read(RealAdapters.path("gpt2-tigrinya"), LoadOptions.defaults());
        Path file = tmp.resolve("gpt2.safetensors");
        try (KohyaFileWriter w = KohyaFileWriter.create(gpt2.meta())) {
            String m = gpt2.type().names().iterator().next();
            AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> w.add(gpt2.read(m)));
            assertTrue(
                    e.getMessage().contains("'" + m + "'")
                            && e.getMessage().contains("fan_in_fan_out")
                            && e.getMessage().contains("PEFT"),
                    e.getMessage());
            ModuleSpec emb =
                    new ModuleSpec("emb", ModuleKind.EMBEDDING, 3, 4, 1, DType.F32, new long[0], false, false, false);
            SplittableRandom rnd = new SplittableRandom(1);
            assertThrows(
                    AdapterTypeException.class,
                    () -> w.add(StoredModule.of(emb, rand(rnd, DType.F32, 1, 4), rand(rnd, DType.F32, 3, 1), 1.0)));
            ModuleSpec dora =
                    new ModuleSpec("dora", ModuleKind.LINEAR, 3, 4, 1, DType.F32, new long[0], false, true, false);
            assertThrows(
                    AdapterTypeException.class,
                    () -> w.add(new StoredModule(
                            dora,
                            rand(rnd, DType.F32, 1, 4),
                            rand(rnd, DType.F32, 3, 1),
                            1.0,
                            Optional.of(rand(rnd, DType.F32, 3)),
                            Optional.empty())));
            assertThrows(IllegalStateException.class, () -> w.commit(file), "nothing was added");
        }
        assertEquals(List.of(), TestFiles.listing(tmp));
    }

    @Test
    void refusesBadTargets() {
        Path in = sdLora();
        String sum = TestFiles.checksum(in);
        StoredAdapter a = KohyaFile.read(in, LoadOptions.defaults());
        Path folder = tmp.resolve("a-folder.safetensors");
        TestFiles.write(folder.resolve("keep.txt"), "x");
        try (KohyaFileWriter w = KohyaFileWriter.create(a.meta(), List.of(in))) {
            a.type().names().forEach(m -> w.add(a.read(m)));
            assertTrue(assertThrows(AdapterFormatException.class, () -> w.commit(in))
                    .getMessage()
                    .contains("input"));
            assertTrue(assertThrows(AdapterFormatException.class, () -> w.commit(folder))
                    .getMessage()
                    .contains("folder"));
            assertTrue(assertThrows(AdapterFormatException.class, () -> w.commit(tmp.resolve("x.bin")))
                    .getMessage()
                    .contains(".safetensors"));
        }
        assertEquals(sum, TestFiles.checksum(in));
        assertEquals(List.of("a-folder.safetensors", "style.safetensors"), TestFiles.listing(tmp));
        assertEquals(List.of("keep.txt"), TestFiles.listing(folder));
    }

    @Test
    void malformedFilesNameTheFileTensorAndModule() {
        assertReadError(
                "lonely",
                tensors(PROJ_IN + ".lora_down.weight", randomF32(1, 4, 8)),
                PROJ_IN + ".lora_down.weight",
                "partner '" + PROJ_IN + ".lora_up.weight'",
                "module '" + PROJ_IN + "'");
        assertReadError(
                "alpha-only",
                tensors(PROJ_IN + ".alpha", f32(new long[0], 4f)),
                PROJ_IN + ".alpha",
                "partner '" + PROJ_IN + ".lora_down.weight'");
        assertReadError(
                "rank",
                tensors(
                        PROJ_IN + ".lora_down.weight",
                        randomF32(1, 4, 8),
                        PROJ_IN + ".lora_up.weight",
                        randomF32(2, 8, 2)),
                PROJ_IN + ".lora_up.weight",
                "4 columns",
                "[8, 2]");
        assertReadError(
                "kernel",
                tensors(
                        CONV1 + ".lora_down.weight",
                        randomF32(1, 4, 8, 3, 3),
                        CONV1 + ".lora_up.weight",
                        randomF32(2, 8, 4, 3, 3)),
                CONV1 + ".lora_up.weight",
                "1×1 kernel",
                "[8, 4, 3, 3]");
        assertReadError(
                "dims",
                tensors(
                        CONV1 + ".lora_down.weight",
                        randomF32(1, 4, 8, 3, 3),
                        CONV1 + ".lora_up.weight",
                        randomF32(2, 8, 4)),
                CONV1 + ".lora_down.weight",
                "lora_down [r, in]",
                "[4, 8, 3, 3] with lora_up [8, 4]");
        assertReadError(
                "alpha-shape",
                tensors(
                        PROJ_IN + ".lora_down.weight",
                        randomF32(1, 4, 8),
                        PROJ_IN + ".lora_up.weight",
                        randomF32(2, 8, 4),
                        PROJ_IN + ".alpha",
                        f32(new long[] {2}, 1, 2)),
                PROJ_IN + ".alpha",
                "one floating-point value",
                "F32[2]");
        assertReadError(
                "alpha-nan",
                tensors(
                        PROJ_IN + ".lora_down.weight",
                        randomF32(1, 4, 8),
                        PROJ_IN + ".lora_up.weight",
                        randomF32(2, 8, 4),
                        PROJ_IN + ".alpha",
                        f32(new long[0], Float.NaN)),
                PROJ_IN + ".alpha",
                "finite alpha",
                "NaN");
        assertReadError("loha", tensors(PROJ_IN + ".hada_w1_a", randomF32(1, 4, 8)), PROJ_IN + ".hada_w1_a", "LyCORIS");
        assertReadError(
                "peft",
                tensors("base_model.model.q.lora_A.weight", randomF32(1, 4, 8)),
                "base_model.model.q.lora_A.weight",
                "PEFT key",
                "folder");
        assertReadError(
                "none", tensors("something.weight", randomF32(1, 4, 8)), null, "no kohya LoRA tensors", "1 other");
        TestFiles.Raw ints = new TestFiles.Raw("I8", new long[] {4, 8}, new byte[32]);
        assertReadError(
                "ints",
                tensors(PROJ_IN + ".lora_down.weight", ints, PROJ_IN + ".lora_up.weight", randomF32(2, 8, 4)),
                PROJ_IN + ".lora_down.weight",
                "floating-point",
                "I8");
        assertReadError(
                "twice",
                tensors("m.lora_down.weight", randomF32(1, 4, 8), "m.lora.down.weight", randomF32(1, 4, 8)),
                "m.lora.down.weight",
                "one down tensor for module 'm'",
                "'m.lora_down.weight'");
    }

    private void assertReadError(String name, Map<String, TestFiles.Raw> tensors, String tensor, String... fragments) {
        Path file = TestFiles.write(tmp.resolve(name + ".safetensors"), TestFiles.safetensors(tensors, Map.of()));
        String sum = TestFiles.checksum(file);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> KohyaFile.read(file, LoadOptions.defaults()));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), "names the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("tensor '" + tensor + "'"), "names the tensor: " + m);
        }
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
        assertEquals(sum, TestFiles.checksum(file));
    }

    @Test
    void keyGrammar() {
        assertEquals(
                new KohyaKeys.Parsed("a.b", KohyaKeys.Part.DOWN),
                KohyaKeys.parse("a.b.lora_down.weight").orElseThrow());
        assertEquals(
                new KohyaKeys.Parsed("a", KohyaKeys.Part.UP),
                KohyaKeys.parse("a.lora_linear_layer.up.weight").orElseThrow());
        assertEquals(
                new KohyaKeys.Parsed("a", KohyaKeys.Part.ALPHA),
                KohyaKeys.parse("a.alpha").orElseThrow());
        assertTrue(KohyaKeys.parse(".alpha").isEmpty());
        assertTrue(KohyaKeys.parse("a.weight").isEmpty());
        assertEquals("a.lora_up.weight", KohyaKeys.key("a", KohyaKeys.Part.UP));
    }
}
