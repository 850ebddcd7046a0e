package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.TestFiles.f32;
import static org.loralgebra.io.TestFiles.randomF32;
import static org.loralgebra.io.TestFiles.tensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.format.Formats;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;

/** Reading PEFT folders: the real adapters with their numbers, then every malformed folder with a named error. */
class PeftFolderTest {
    private static final String CONFIG_R8 = "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q\"]}";

    @TempDir
    Path tmp;

    @Test
    void distilbertImdb() {
        StoredAdapter a = PeftFolder.read(RealAdapters.path("distilbert-imdb"), LoadOptions.defaults());
        checkDistilbert(a, 2);
        assertEquals("distilbert-imdb", a.label());
    }

    @Test
    void distilbertEmotion() {
        checkDistilbert(PeftFolder.read(RealAdapters.path("distilbert-emotion"), LoadOptions.defaults()), 6);
    }

    private static void checkDistilbert(StoredAdapter a, int classes) {
        assertEquals(12, a.type().modules().size());
        List<String> expected = new ArrayList<>();
        for (int layer = 0; layer < 6; layer++) {
            expected.add("distilbert.transformer.layer." + layer + ".attention.q_lin");
            expected.add("distilbert.transformer.layer." + layer + ".attention.v_lin");
        }
        assertEquals(expected, List.copyOf(a.type().names()));
        for (ModuleSpec m : a.type().modules().values()) {
            assertEquals(
                    new ModuleSpec(
                            m.name(), ModuleKind.LINEAR, 768, 768, 8, DType.F32, new long[0], false, false, false),
                    m);
            assertEquals(2.0, a.scale(m.name()).getAsDouble());
        }
        assertEquals("distilbert-base-uncased", a.type().baseModel().orElseThrow());
        assertEquals(AdapterFormat.PEFT, a.meta().format());
        assertEquals("base_model.model.", a.meta().keyPrefix());
        assertEquals(Map.of("format", "pt"), a.meta().fileMetadata());
        Map<String, TensorRef> extras = a.meta().extras();
        assertEquals(4, extras.size(), extras.keySet().toString());
        assertArrayEquals(
                new long[] {classes, 768},
                extras.get("base_model.model.classifier.weight").shape());
        assertArrayEquals(
                new long[] {classes},
                extras.get("base_model.model.classifier.bias").shape());
        assertArrayEquals(
                new long[] {768, 768},
                extras.get("base_model.model.pre_classifier.weight").shape());
        assertArrayEquals(
                new long[] {768},
                extras.get("base_model.model.pre_classifier.bias").shape());
        assertEquals(8, a.meta().config().r());
        assertEquals(16.0, a.meta().config().loraAlpha());
    }

    @Test
    void gpt2Tigrinya() {
        StoredAdapter a = PeftFolder.read(RealAdapters.path("gpt2-tigrinya"), LoadOptions.defaults());
        assertEquals(36, a.type().modules().size());
        List<String> names = List.copyOf(a.type().names());
        assertEquals("transformer.h.0.attn.c_attn", names.get(0));
        assertEquals("transformer.h.2.attn.c_attn", names.get(6), "h.2 before h.10");
        assertEquals("transformer.h.11.mlp.c_proj", names.get(35));
        for (ModuleSpec m : a.type().modules().values()) {
            int[] outIn = m.name().endsWith("c_attn")
                    ? new int[] {2304, 768}
                    : m.name().endsWith("attn.c_proj") ? new int[] {768, 768} : new int[] {768, 3072};
            assertEquals(
                    new ModuleSpec(
                            m.name(),
                            ModuleKind.LINEAR,
                            outIn[0],
                            outIn[1],
                            8,
                            DType.F32,
                            new long[0],
                            true,
                            false,
                            false),
                    m);
            assertEquals(4.0, a.scale(m.name()).getAsDouble());
        }
        assertTrue(a.meta().extras().isEmpty());
        assertTrue(a.meta().config().fanInFanOut());
        assertEquals("gpt2", a.type().baseModel().orElseThrow());
    }

    @Test
    void moduleTensorsAreTheFilesBytes() throws Exception {
        for (String name : List.of("distilbert-imdb", "gpt2-tigrinya")) {
            Path folder = RealAdapters.path(name);
            StoredAdapter a = PeftFolder.read(folder, LoadOptions.defaults());
            Map<String, float[]> raw = readIndependently(folder.resolve(PeftFolder.WEIGHTS));
            for (String m : a.type().names()) {
                StoredModule sm = a.read(m);
                assertArrayEquals(
                        raw.get("base_model.model." + m + ".lora_A.weight"),
                        sm.a().toFloatArray(),
                        m);
                assertArrayEquals(
                        raw.get("base_model.model." + m + ".lora_B.weight"),
                        sm.b().toFloatArray(),
                        m);
                assertEquals(a.scale(m).getAsDouble(), sm.scale());
            }
            for (var e : a.meta().extras().entrySet()) {
                assertArrayEquals(raw.get(e.getKey()), e.getValue().read().toFloatArray(), e.getKey());
            }
        }
    }

    /** F32 tensors of a safetensors file, parsed here with nothing but Jackson and a ByteBuffer. */
    private static Map<String, float[]> readIndependently(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, n, StandardCharsets.UTF_8));
        Map<String, float[]> out = new HashMap<>();
        header.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                assertEquals("F32", e.getValue().get("dtype").asText());
                int begin = e.getValue().get("data_offsets").get(0).asInt();
                int end = e.getValue().get("data_offsets").get(1).asInt();
                float[] v = new float[(end - begin) / 4];
                ByteBuffer.wrap(bytes, 8 + n + begin, end - begin)
                        .slice()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                out.put(e.getKey(), v);
            }
        });
        return out;
    }

    @Test
    void readsEmbeddingConvolutionDoraAndBiasModules() {
        Path dir = folder(
                "kinds",
                "{\"r\": 4, \"lora_alpha\": 8, \"use_dora\": true, \"lora_bias\": true}",
                tensors(
                        "base_model.model.emb.lora_embedding_A", randomF32(1, 4, 100),
                        "base_model.model.emb.lora_embedding_B", randomF32(2, 32, 4),
                        "base_model.model.emb.lora_magnitude_vector", randomF32(3, 32),
                        "base_model.model.conv.lora_A.weight", randomF32(4, 4, 3, 3, 3),
                        "base_model.model.conv.lora_B.weight", randomF32(5, 16, 4, 1, 1),
                        "base_model.model.conv.lora_magnitude_vector", randomF32(6, 16),
                        "base_model.model.conv.lora_B.bias", randomF32(7, 16)));
        StoredAdapter a = PeftFolder.read(dir, LoadOptions.defaults());
        assertEquals(
                new ModuleSpec("emb", ModuleKind.EMBEDDING, 32, 100, 4, DType.F32, new long[0], false, true, false),
                a.type().module("emb").orElseThrow());
        assertEquals(
                new ModuleSpec("conv", ModuleKind.CONV, 16, 27, 4, DType.F32, new long[] {3, 3}, false, true, true),
                a.type().module("conv").orElseThrow());
        assertEquals("[16, 3, 3, 3]", a.type().module("conv").orElseThrow().shapeString());
        StoredModule conv = a.read("conv");
        assertArrayEquals(new long[] {4, 27}, conv.aMatrix().shape());
        assertArrayEquals(new long[] {16, 4}, conv.bMatrix().shape());
        assertArrayEquals(
                randomF32(7, 16).floats(), conv.loraBias().orElseThrow().toFloatArray());
        assertEquals(2.0, conv.scale());
    }

    @Test
    void readsKeysSavedWithTheAdapterName() {
        Path dir = folder(
                "named",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.default.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.default.weight",
                        randomF32(2, 5, 8)));
        assertEquals(
                List.of("l.q"),
                List.copyOf(PeftFolder.read(dir, LoadOptions.defaults()).type().names()));
    }

    @Test
    void loraAWithoutLoraB() {
        Path dir = folder("lonely", CONFIG_R8, tensors("base_model.model.l.q.lora_A.weight", randomF32(1, 8, 6)));
        assertReadError(
                dir,
                "base_model.model.l.q.lora_A.weight",
                "partner 'base_model.model.l.q.lora_B.weight'",
                "module 'l.q'",
                "no such tensor");
    }

    @Test
    void rankMismatchBetweenAAndB() {
        Path dir = folder(
                "mismatch",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 4)));
        assertReadError(
                dir, "base_model.model.l.q.lora_B.weight", "8 columns", "[8, 6]", "module 'l.q'", "shape [5, 4]");
    }

    @Test
    void shapesThatAreNotLowRankFactors() {
        Path dir = folder(
                "shapes",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        assertReadError(
                dir,
                "base_model.model.l.q.lora_A.weight",
                "lora_A [r, in]",
                "module 'l.q'",
                "lora_A [8] with lora_B [5, 8]");
    }

    @Test
    void configRankDisagreeingWithTheTensors() {
        Path dir = folder(
                "r4",
                "{\"r\": 4, \"lora_alpha\": 16}",
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        assertReadError(
                dir,
                "base_model.model.l.q.lora_A.weight",
                "rank 4 for module 'l.q'",
                "adapter_config.json",
                "found rank 8");
    }

    @Test
    void nonFloatFactorsAndMissingDoraMagnitudes() {
        TestFiles.Raw ints = new TestFiles.Raw("I32", new long[] {8, 6}, new byte[8 * 6 * 4]);
        Path dir = folder(
                "ints",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        ints,
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        assertReadError(dir, "base_model.model.l.q.lora_A.weight", "floating-point dtype", "module 'l.q'", "I32");
        Path dora = folder(
                "dora",
                "{\"r\": 8, \"use_dora\": true}",
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        assertReadError(dora, "base_model.model.l.q.lora_magnitude_vector", "DoRA magnitude", "module 'l.q'", "none");
        Path mag = folder(
                "mag",
                "{\"r\": 8, \"use_dora\": true}",
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8),
                        "base_model.model.l.q.lora_magnitude_vector",
                        randomF32(3, 6)));
        assertReadError(mag, "base_model.model.l.q.lora_magnitude_vector", "5 values", "module 'l.q'", "[6]");
    }

    @Test
    void unknownLoraKeysDuplicatesAndNoLoraAtAll() {
        Path odd = folder("odd", CONFIG_R8, tensors("base_model.model.l.q.lora_X.weight", randomF32(1, 8, 6)));
        assertReadError(odd, "base_model.model.l.q.lora_X.weight", "<module>.lora_A.weight", "none of these");
        Path twice = folder(
                "twice",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_A.default.weight",
                        randomF32(1, 8, 6)));
        assertReadError(twice, "base_model.model.l.q.lora_A.default.weight", "one A tensor for module", "two");
        Path none = folder("none", CONFIG_R8, tensors("classifier.weight", randomF32(1, 2, 6)));
        assertReadError(none, null, "no LoRA tensors", "1 other tensors");
    }

    @Test
    void nonFiniteOrOverflowingWeightsAreErrorsNamingModuleTensorIndexAndValue() {
        float[] a = randomF32(1, 8, 6).floats();
        a[13] = Float.NaN;
        float[] b = randomF32(2, 5, 8).floats();
        b[0] = Float.NEGATIVE_INFINITY;
        float[] big = randomF32(3, 5, 8).floats();
        big[7] = 3e38f;
        Path dir = folder(
                "nan",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        f32(new long[] {8, 6}, a),
                        "base_model.model.l.q.lora_B.weight",
                        f32(new long[] {5, 8}, b),
                        "base_model.model.l.v.lora_A.weight",
                        randomF32(4, 8, 6),
                        "base_model.model.l.v.lora_B.weight",
                        f32(new long[] {5, 8}, big),
                        "base_model.model.head.weight",
                        f32(new long[] {2}, 1f, Float.POSITIVE_INFINITY)));
        StoredAdapter adapter = PeftFolder.read(dir, LoadOptions.defaults()); // headers only: inspect still works
        assertEquals(2, adapter.type().modules().size());
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> adapter.read("l.q"));
        for (String f : List.of(
                dir.resolve(PeftFolder.WEIGHTS).toString(),
                "'base_model.model.l.q.lora_A.weight'",
                "module 'l.q'",
                "finite",
                "NaN at flat index 13")) {
            assertTrue(e.getMessage().contains(f), f + " in: " + e.getMessage());
        }
        AdapterFormatException large = assertThrows(AdapterFormatException.class, () -> adapter.read("l.v"));
        for (String f : List.of(
                "'base_model.model.l.v.lora_B.weight'",
                "module 'l.v'",
                "2^64",
                "overflows",
                "3.0000000",
                "flat index 7")) {
            assertTrue(large.getMessage().contains(f), f + " in: " + large.getMessage());
        }
        AdapterFormatException head = assertThrows(
                AdapterFormatException.class,
                () -> adapter.meta()
                        .extras()
                        .get("base_model.model.head.weight")
                        .read());
        assertTrue(
                head.getMessage().contains("'base_model.model.head.weight'")
                        && head.getMessage().contains("Infinity at flat index 1")
                        && head.getMessage().contains("head"),
                head.getMessage());
    }

    @Test
    void missingConfigSaysHowToGiveAlphaThenLoadsWithIt() {
        Path dir = folder(
                "noconfig",
                null,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8),
                        "base_model.model.l.v.lora_A.weight",
                        randomF32(3, 4, 6),
                        "base_model.model.l.v.lora_B.weight",
                        randomF32(4, 5, 4),
                        "base_model.model.l.k.lora_A.weight",
                        randomF32(5, 8, 6),
                        "base_model.model.l.k.lora_B.weight",
                        randomF32(6, 5, 8)));
        String before = TestFiles.checksum(dir);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve(PeftFolder.CONFIG), e.file());
        for (String f : List.of("adapter_config.json", "missing", "alpha", "withAlpha", "--alpha", "rank")) {
            assertTrue(e.getMessage().contains(f), f + " in: " + e.getMessage());
        }
        StoredAdapter a = PeftFolder.read(dir, LoadOptions.defaults().withAlpha(16));
        assertEquals(2.0, a.scale("l.q").getAsDouble(), "alpha 16 / rank 8");
        assertEquals(4.0, a.scale("l.v").getAsDouble(), "alpha 16 / rank 4: its rank comes from the tensors");
        assertEquals(8, a.meta().config().r(), "the most common rank");
        AdapterFormatException wrongRank = assertThrows(
                AdapterFormatException.class,
                () -> PeftFolder.read(dir, LoadOptions.defaults().withAlpha(16).withRank(4)));
        assertTrue(
                wrongRank.getMessage().contains("rank 4")
                        && wrongRank.getMessage().contains("LoadOptions")
                        && wrongRank.getMessage().contains("found rank 8"),
                wrongRank.getMessage());
        assertEquals(before, TestFiles.checksum(dir), "reading changes nothing");
    }

    @Test
    void loadOptionsOverrideTheConfig() {
        Path dir = folder(
                "override",
                CONFIG_R8,
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        StoredAdapter a = PeftFolder.read(
                dir, LoadOptions.defaults().withAlpha(4).withLabel("mine").withBaseModel("base-x"));
        assertEquals(0.5, a.scale("l.q").getAsDouble());
        assertEquals("mine", a.label());
        assertEquals("base-x", a.type().baseModel().orElseThrow());
    }

    @Test
    void aFolderHoldingSingleFileLorasNamesThemAndHowToOpenOne() {
        Path dir = tmp.resolve("downloads");
        for (String name : List.of("style_v2.safetensors", "my_style.safetensors", "notes.txt")) {
            TestFiles.write(dir.resolve(name), new byte[] {1, 2, 3});
        }
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> Formats.open(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve(PeftFolder.WEIGHTS), e.file());
        assertTrue(
                e.getMessage()
                                .contains(
                                        "the folder holds my_style.safetensors, style_v2.safetensors: a single-file LoRA")
                        && e.getMessage().contains("such as " + dir.resolve("my_style.safetensors")),
                e.getMessage());
        Path empty = tmp.resolve("empty");
        TestFiles.write(empty.resolve("README.md"), new byte[] {'#'});
        AdapterFormatException none =
                assertThrows(AdapterFormatException.class, () -> Formats.open(empty, LoadOptions.defaults()));
        assertFalse(none.getMessage().contains("the folder holds"), none.getMessage());
    }

    @Test
    void picklesOnlyAreRefusedWithAConversionHint() {
        Path dir = tmp.resolve("pickle");
        TestFiles.write(dir.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2, 'c'});
        TestFiles.write(dir.resolve(PeftFolder.CONFIG), CONFIG_R8);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve(PeftFolder.WEIGHTS), e.file());
        for (String f : List.of("adapter_model.bin", "pickle", "safe_serialization=True")) {
            assertTrue(e.getMessage().contains(f), f + " in: " + e.getMessage());
        }
    }

    @Test
    void badConfigsNameTheConfigFile() {
        Path dir = folder(
                "badjson",
                "{\"r\": 8,",
                tensors(
                        "base_model.model.l.q.lora_A.weight",
                        randomF32(1, 8, 6),
                        "base_model.model.l.q.lora_B.weight",
                        randomF32(2, 5, 8)));
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve(PeftFolder.CONFIG), e.file());
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
        TestFiles.write(dir.resolve(PeftFolder.CONFIG), new byte[] {'{', (byte) 0xff, '}'});
        AdapterFormatException utf =
                assertThrows(AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()));
        assertTrue(utf.getMessage().contains("UTF-8"), utf.getMessage());
    }

    @Test
    void configValuesThatWouldGiveASilentlyWrongUpdate() {
        Map<String, TestFiles.Raw> t = tensors(
                "base_model.model.l.q.lora_A.weight",
                randomF32(1, 8, 6),
                "base_model.model.l.q.lora_B.weight",
                randomF32(2, 5, 8));
        String[][] cases = {
            {"{\"r\": 8, \"lora_alpha\": NaN}", "\"lora_alpha\"", "NaN"},
            {"{\"r\": 8, \"lora_alpha\": Infinity}", "\"lora_alpha\"", "Infinity"},
            {"{\"r\": 4294967304, \"lora_alpha\": 16}", "\"r\"", "4294967304"},
            {"{\"r\": 8, \"rank_pattern\": {\"q\": 4294967304}}", "rank_pattern", "4294967304"},
            {"{\"r\": 8, \"alpha_pattern\": {\"q\": -Infinity}}", "alpha_pattern", "-Infinity"},
            {"{\"r\": 8, \"use_bdlora\": {\"nblocks\": 2}}", "\"use_bdlora\"", "nblocks"},
            {"{\"r\": 8, \"rank_pattern\": {\"(?=q)q\": 8}}", "rank_pattern", "(?=q)q"}
        };
        for (String[] c : cases) {
            Path dir = folder("config" + Math.abs(c[0].hashCode()), c[0], t);
            AdapterFormatException e = assertThrows(
                    AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()), c[0]);
            assertEquals(dir.resolve(PeftFolder.CONFIG), e.file());
            for (int i = 1; i < c.length; i++) {
                assertTrue(e.getMessage().contains(c[i]), c[i] + " in: " + e.getMessage());
            }
        }
    }

    @Test
    void anEmptyOrMissingFolder() {
        assertReadError(
                tmp.resolve("absent"), null, "no such folder", "adapter_config.json", "adapter_model.safetensors");
        Path empty = tmp.resolve("empty");
        TestFiles.write(empty.resolve("notes.txt"), "x");
        assertReadError(empty, null, "adapter_model.safetensors: missing", "adapter_config.json");
        assertFalse(PeftFolder.isPeftFolder(tmp));
    }

    private Path folder(String name, String config, Map<String, TestFiles.Raw> tensors) {
        Path dir = tmp.resolve(name);
        TestFiles.write(dir.resolve(PeftFolder.WEIGHTS), TestFiles.safetensors(tensors, Map.of("format", "pt")));
        if (config != null) {
            TestFiles.write(dir.resolve(PeftFolder.CONFIG), config);
        }
        return dir;
    }

    private static void assertReadError(Path dir, String tensor, String... fragments) {
        String before = Files.exists(dir) ? TestFiles.checksum(dir) : "";
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> PeftFolder.read(dir, LoadOptions.defaults()));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.toString()), "names the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("tensor '" + tensor + "'"), "names the tensor: " + m);
        }
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
        assertEquals(before, Files.exists(dir) ? TestFiles.checksum(dir) : "", "the input is unchanged");
        assertTrue(Arrays.stream(m.split("\n")).count() <= 2, "a message, not a trace: " + m);
    }
}
