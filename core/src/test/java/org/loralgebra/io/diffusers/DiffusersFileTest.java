package org.loralgebra.io.diffusers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.FormatFixtures.assertRefused;
import static org.loralgebra.io.FormatFixtures.assertUpdate;
import static org.loralgebra.io.FormatFixtures.rand;
import static org.loralgebra.io.FormatFixtures.tensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.SaveOptions;
import org.loralgebra.io.FormatFixtures;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.format.Formats;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.tensor.Tensor;

/**
 * diffusers single files: the two real Stable Diffusion LoRAs in examples/adapters compared with dense updates rebuilt
 * here from their raw tensors and documented scales; hand-built files with per-component metadata and without any;
 * round trips through the diffusers writer; cloneofsimo refused; malformed files with named errors.
 */
class DiffusersFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The F32 tensors of a safetensors file, parsed here with Jackson and a ByteBuffer only. */
    private static Map<String, float[]> raw(Path file, Map<String, long[]> shapes) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode header = JSON.readTree(new String(bytes, 8, n, StandardCharsets.UTF_8));
        Map<String, float[]> out = new HashMap<>();
        header.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                int begin = e.getValue().get("data_offsets").get(0).asInt();
                int end = e.getValue().get("data_offsets").get(1).asInt();
                float[] v = new float[(end - begin) / 4];
                ByteBuffer.wrap(bytes, 8 + n + begin, end - begin)
                        .slice()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                out.put(e.getKey(), v);
                long[] shape = new long[e.getValue().get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.getValue().get("shape").get(i).asLong();
                }
                shapes.put(e.getKey(), shape);
            }
        });
        return out;
    }

    /** {@code scale·up·down} by loops, {@code up [out, r]}, {@code down [r, in]}. */
    private static Dense.M update(float[] up, float[] down, int out, int r, int in, double scale) {
        double[] w = new double[out * in];
        for (int i = 0; i < out; i++) {
            for (int p = 0; p < r; p++) {
                for (int j = 0; j < in; j++) {
                    w[i * in + j] += scale * up[i * r + p] * (double) down[p * in + j];
                }
            }
        }
        return new Dense.M(out, in, w);
    }

    @Test
    void faithsangCurrentDiffusersFileAtItsMetadataScale() throws IOException {
        Path file = RealAdapters.path("sd-unet-diffusers-faithsang").resolve(DiffusersFile.WEIGHTS);
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, float[]> raw = raw(file, shapes);
        JsonNode config = JSON.readTree(SafetensorsFile.open(file).metadata().get("lora_adapter_metadata"));
        double scale = config.get("lora_alpha").asDouble() / config.get("r").asDouble();
        assertEquals(4.0, scale, "16 / 4, as documented in examples/adapters/README.md");
        AdapterSource s = Formats.open(file, LoadOptions.defaults());
        assertEquals(DiffusersFile.FORMAT, ((StoredAdapter) s).format());
        assertEquals(AdapterFormat.DIFFUSERS, s.meta().format());
        assertEquals("sd-unet-diffusers-faithsang", s.label(), "the folder names diffusers' standard file");
        assertEquals(96, s.type().modules().size());
        Adapter a = Lora.from(s);
        int checked = 0;
        for (String m : new TreeSet<>(s.type().names())) {
            String key = m + ".lora_A.weight";
            assertTrue(raw.containsKey(key), m);
            assertEquals(scale, s.scale(m).getAsDouble(), 0.0, m);
            if (m.contains("down_blocks.0.") || m.contains("mid_block")) {
                long[] sa = shapes.get(key);
                long[] sb = shapes.get(m + ".lora_B.weight");
                assertUpdate(
                        a,
                        m,
                        update(
                                raw.get(m + ".lora_B.weight"),
                                raw.get(key),
                                (int) sb[0],
                                (int) sa[0],
                                (int) sa[1],
                                scale),
                        1e-12);
                checked++;
            }
        }
        assertEquals(18, checked, "down_blocks.0 (12) and mid_block (6) modules compared densely");
    }

    @Test
    void rickmortyAttentionProcessorsAtScaleOne() throws IOException {
        Path file = RealAdapters.path("sd15-rickmorty").resolve(DiffusersFile.WEIGHTS);
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, float[]> raw = raw(file, shapes);
        AdapterSource s = Formats.open(file, LoadOptions.defaults());
        assertEquals(DiffusersProcessorsFile.FORMAT, ((StoredAdapter) s).format());
        assertEquals(128, s.type().modules().size());
        String attn = "down_blocks.0.attentions.0.transformer_blocks.0.attn2";
        assertEquals(
                List.of(attn + ".to_k", attn + ".to_out.0", attn + ".to_q", attn + ".to_v"),
                s.type().names().stream()
                        .filter(n -> n.startsWith(attn + "."))
                        .sorted()
                        .toList());
        Adapter a = Lora.from(s);
        for (String layer : List.of("to_q", "to_k", "to_v", "to_out")) {
            String m = attn + "." + (layer.equals("to_out") ? "to_out.0" : layer);
            String down = attn + ".processor." + layer + "_lora.down.weight";
            String up = attn + ".processor." + layer + "_lora.up.weight";
            assertEquals(1.0, s.scale(m).getAsDouble(), 0.0, m);
            assertUpdate(
                    a,
                    m,
                    update(
                            raw.get(up),
                            raw.get(down),
                            (int) shapes.get(up)[0],
                            (int) shapes.get(down)[0],
                            (int) shapes.get(down)[1],
                            1.0),
                    1e-12);
        }
        assertEquals(
                0.5,
                Formats.open(file, LoadOptions.defaults().withAlpha(2))
                        .scale(attn + ".to_q")
                        .getAsDouble(),
                "a network alpha given: alpha / r");
    }

    @Test
    void bothRealFilesSaveAsCurrentDiffusersFilesWithTheSameUpdates() throws IOException {
        for (String name : List.of("sd-unet-diffusers-faithsang", "sd15-rickmorty")) {
            Path in = RealAdapters.path(name).resolve(DiffusersFile.WEIGHTS);
            Adapter a = Lora.load(in);
            Path out = tmp.resolve(name).resolve(DiffusersFile.WEIGHTS);
            Files.createDirectories(out.getParent());
            a.save(out.toString());
            AdapterSource back = Formats.open(out, LoadOptions.defaults());
            assertEquals(DiffusersFile.FORMAT, ((StoredAdapter) back).format(), name);
            assertEquals(a.modules(), back.type().names(), name);
            SafetensorsFile written = SafetensorsFile.open(out);
            JsonNode config = JSON.readTree(written.metadata().get("lora_adapter_metadata"));
            assertEquals("pt", written.metadata().get("format"));
            assertEquals(4, config.get("r").asInt(), name);
            assertEquals(
                    name.contains("faithsang") ? 16 : 4,
                    config.get("lora_alpha").asInt(),
                    name);
            if (name.contains("faithsang")) {
                assertEquals(
                        SafetensorsFile.open(in).metadata().get("lora_adapter_metadata"),
                        written.metadata().get("lora_adapter_metadata"),
                        "a config that already fits is written as it was");
                for (String key : SafetensorsFile.open(in).tensors().keySet()) {
                    assertTrue(SafetensorsFile.open(in).read(key).contentEquals(written.read(key)), key + " unchanged");
                }
            }
            for (String m : List.of(
                    a.modules().iterator().next(),
                    a.modules().stream().reduce((x, y) -> y).orElseThrow())) {
                double err = FormatFixtures.relError(
                        FormatFixtures.denseF64(Lora.from(back), m), FormatFixtures.denseF64(a, m));
                assertEquals(0.0, err, name + " " + m + ": F32 factors are written as they were read");
            }
        }
    }

    @Test
    void perComponentMetadataAndFilesWithoutMetadata() {
        Tensor ua = rand(1, 2, 6);
        Tensor ub = rand(2, 5, 2);
        Tensor ta = rand(3, 3, 4);
        Tensor tb = rand(4, 4, 3);
        String packed = "{\"unet.r\": 2, \"unet.lora_alpha\": 4, \"unet.target_modules\": [\"to_q\"], "
                + "\"text_encoder.r\": 2, \"text_encoder.lora_alpha\": 1, \"text_encoder.rank_pattern\": {\"q_proj\": 3}, "
                + "\"text_encoder.alpha_pattern\": {\"q_proj\": 6}, \"text_encoder.target_modules\": [\"q_proj\"]}";
        Path f = FormatFixtures.write(
                tmp.resolve("two.safetensors"),
                Map.of("format", "pt", "lora_adapter_metadata", packed),
                tensors(
                        "unet.mid.to_q.lora_A.weight",
                        ua,
                        "unet.mid.to_q.lora_B.weight",
                        ub,
                        "text_encoder.layers.0.q_proj.lora_A.weight",
                        ta,
                        "text_encoder.layers.0.q_proj.lora_B.weight",
                        tb));
        Adapter a = Lora.load(f);
        assertUpdate(a, "unet.mid.to_q", Dense.scale(Dense.mul(mat(ub, 5), mat(ua, 2)), 4.0 / 2), 1e-13);
        assertUpdate(a, "text_encoder.layers.0.q_proj", Dense.scale(Dense.mul(mat(tb, 4), mat(ta, 3)), 6.0 / 3), 1e-13);
        Path out = tmp.resolve("two-again.safetensors");
        a.save(out.toString());
        AdapterSource back = Formats.open(out, LoadOptions.defaults());
        assertEquals(2.0, back.scale("unet.mid.to_q").getAsDouble());
        assertEquals(2.0, back.scale("text_encoder.layers.0.q_proj").getAsDouble());
        String written = SafetensorsFile.open(out).metadata().get("lora_adapter_metadata");
        assertTrue(
                written.contains("\"unet.lora_alpha\": 4")
                        && written.contains("\"text_encoder.rank_pattern\": {\n    " + "\"q_proj\": 3"),
                "packed per component, as diffusers' save_lora_weights writes: " + written);

        Path bare = FormatFixtures.write(
                tmp.resolve("bare.safetensors"),
                Map.of(),
                tensors("x.to_k.lora_A.weight", ua, "x.to_k.lora_B.weight", ub));
        assertEquals(
                1.0,
                Formats.open(bare, LoadOptions.defaults()).scale("x.to_k").getAsDouble(),
                "no metadata: alpha = r");
        assertEquals(
                4.0,
                Formats.open(bare, LoadOptions.defaults().withAlpha(8))
                        .scale("x.to_k")
                        .getAsDouble());
    }

    private static Dense.M mat(Tensor t, int rows) {
        double[] v = t.toDoubleArray();
        return new Dense.M(rows, v.length / rows, v);
    }

    @Test
    void cloneofsimoIsRefusedWithTheReason() {
        Path f = FormatFixtures.write(
                tmp.resolve("lora_disney.safetensors"),
                Map.of("text_encoder:0:rank", "1"),
                tensors("text_encoder:0:down", rand(1, 1, 8), "text_encoder:0:up", rand(2, 8, 1), "<s1>", rand(3, 8)));
        assertRefused(f, null, "cloneofsimo", "'text_encoder:0:down'", "names are not stored");
    }

    @Test
    void malformedFilesNameTheFileTensorModuleExpectedAndFound() {
        Tensor a = rand(1, 2, 6);
        Tensor b = rand(2, 5, 2);
        assertRefused(
                meta("bad-json", "{\"r\": 2,"), null, "__metadata__ entry 'lora_adapter_metadata'", "invalid JSON");
        assertRefused(meta("not-object", "[1, 2]"), null, "lora_adapter_metadata", "expected a JSON object", "ARRAY");
        assertRefused(
                meta("rank", "{\"r\": 4, \"lora_alpha\": 8}"),
                "m.to_q.lora_A.weight",
                "rank 4 for module 'm.to_q'",
                "lora_adapter_metadata",
                "found rank 2");
        assertRefused(
                meta("type", "{\"peft_type\": \"LOHA\", \"r\": 2}"),
                null,
                "lora_adapter_metadata",
                "peft_type",
                "LOHA");
        assertRefused(
                meta("component", "{\"unet.r\": 2}"), "m.to_q.lora_A.weight", "a config for its component", "[unet]");
        assertRefused(
                FormatFixtures.write(tmp.resolve("lonely.safetensors"), Map.of(), tensors("m.to_q.lora_A.weight", a)),
                "m.to_q.lora_A.weight",
                "partner 'm.to_q.lora_B.weight'",
                "module 'm.to_q'");
        assertRefused(
                FormatFixtures.write(
                        tmp.resolve("odd.safetensors"),
                        Map.of(),
                        tensors("m.to_q.lora_A.weight", a, "m.to_q.lora_B.weight", b, "m.to_k.lora_down.weight", a)),
                "m.to_k.lora_down.weight",
                "diffusers LoRA key");
        assertRefused(
                FormatFixtures.write(
                        tmp.resolve("twice.safetensors"),
                        Map.of(),
                        tensors(
                                "m.to_q.lora_A.weight",
                                a,
                                "m.to_q.lora_A.default.weight",
                                a,
                                "m.to_q.lora_B.weight",
                                b)),
                "m.to_q.lora_A.weight",
                "one A tensor for module 'm.to_q'",
                "two, 'm.to_q.lora_A.default.weight' and 'm.to_q.lora_A.weight'");
        assertRefused(
                FormatFixtures.write(
                        tmp.resolve("legacy-lonely.safetensors"),
                        Map.of(),
                        tensors("x.attn1.processor.to_out_lora.down.weight", a)),
                "x.attn1.processor.to_out_lora.down.weight",
                "partner 'x.attn1.processor.to_out_lora.up.weight'",
                "module 'x.attn1.to_out.0'");
        assertRefused(
                FormatFixtures.write(
                        tmp.resolve("legacy-rank.safetensors"),
                        Map.of(),
                        tensors(
                                "x.attn1.processor.to_q_lora.down.weight",
                                a,
                                "x.attn1.processor.to_q_lora.up.weight",
                                rand(3, 5, 3))),
                "x.attn1.processor.to_q_lora.up.weight",
                "2 columns",
                "[5, 3]");
        assertRefused(
                FormatFixtures.write(tmp.resolve("nothing.safetensors"), Map.of(), tensors("w.weight", a)),
                null,
                "not an adapter",
                "1 tensors such as 'w.weight'",
                "diffusers LoRA file",
                "LyCORIS");
    }

    private Path meta(String name, String metadata) {
        return FormatFixtures.write(
                tmp.resolve(name + ".safetensors"),
                Map.of("lora_adapter_metadata", metadata),
                tensors("m.to_q.lora_A.weight", rand(1, 2, 6), "m.to_q.lora_B.weight", rand(2, 5, 2)));
    }

    @Test
    void aPeftAdapterSavedAsDiffusersGetsItsConfigInTheMetadata() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Path out = tmp.resolve("imdb.safetensors");
        imdb.save(out, SaveOptions.defaults().withFormat(AdapterFormat.DIFFUSERS));
        SafetensorsFile written = SafetensorsFile.open(out);
        assertTrue(
                written.tensors().containsKey("distilbert.transformer.layer.0.attention.q_lin.lora_A.weight"),
                "PEFT keys without base_model.model.");
        AdapterSource back = Formats.open(out, LoadOptions.defaults());
        assertEquals(DiffusersFile.FORMAT, ((StoredAdapter) back).format());
        for (String m : imdb.modules()) {
            assertEquals(2.0, back.scale(m).getAsDouble(), m + ": lora_alpha 16 / r 8 from the written metadata");
        }
        assertEquals(TestFiles.listing(tmp), List.of("imdb.safetensors"));
    }
}
