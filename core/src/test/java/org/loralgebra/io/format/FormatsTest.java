package org.loralgebra.io.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.io.TestFiles.randomF32;
import static org.loralgebra.io.TestFiles.tensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.kohya.KohyaFileWriter;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterSource;

/** Opening by what a path is, and sinks by format. */
class FormatsTest {
    @TempDir
    Path tmp;

    @Test
    void opensAFolderOrItsWeightsFileAsPeft() {
        Path folder = RealAdapters.path("distilbert-imdb");
        AdapterSource byFolder = Formats.open(folder, LoadOptions.defaults());
        AdapterSource byFile = Formats.open(folder.resolve(PeftFolder.WEIGHTS), LoadOptions.defaults());
        assertEquals(AdapterFormat.PEFT, byFolder.meta().format());
        assertEquals(byFolder.type(), byFile.type());
        assertEquals(12, byFile.type().modules().size());
    }

    @Test
    void opensAnyOtherSafetensorsFileAsKohya() {
        Path file = TestFiles.write(
                tmp.resolve("style.safetensors"),
                TestFiles.safetensors(
                        tensors(
                                "lora_unet_a.lora_down.weight",
                                randomF32(1, 2, 8),
                                "lora_unet_a.lora_up.weight",
                                randomF32(2, 8, 2)),
                        Map.of()));
        AdapterSource a = Formats.open(file, LoadOptions.defaults());
        assertEquals(AdapterFormat.KOHYA, a.meta().format());
        assertEquals(List.of("lora_unet_a"), List.copyOf(a.type().names()));
    }

    @Test
    void anythingElseIsAClearError() {
        assertOpenError(tmp.resolve("absent"), "no such file or folder");
        assertOpenError(
                TestFiles.write(tmp.resolve("adapter.bin"), new byte[] {(byte) 0x80, 2}),
                "pickle",
                "safe_serialization=True");
        assertOpenError(
                TestFiles.write(tmp.resolve("notes.txt"), "x"),
                "not an adapter",
                "PEFT adapter folder",
                ".safetensors");
        Path pickleFolder = tmp.resolve("old-peft");
        TestFiles.write(pickleFolder.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2});
        assertOpenError(pickleFolder, "adapter_model.bin", "pickle");
    }

    @Test
    void eachFormatIsFoundByWhatThePathHolds() {
        Map<String, TestFiles.Raw> loha = tensors(
                "m.hada_w1_a",
                randomF32(1, 4, 2),
                "m.hada_w1_b",
                randomF32(2, 2, 3),
                "m.hada_w2_a",
                randomF32(3, 4, 2),
                "m.hada_w2_b",
                randomF32(4, 2, 3));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("lycoris", file("loha.safetensors", loha).toString());
        expected.put(
                "diffusers",
                file(
                                "d.safetensors",
                                tensors(
                                        "m.to_q.lora_A.weight",
                                        randomF32(1, 2, 3),
                                        "m.to_q.lora_B.weight",
                                        randomF32(2, 4, 2)))
                        .toString());
        expected.put(
                "diffusers_attn_procs_file",
                file(
                                "p.safetensors",
                                tensors(
                                        "m.processor.to_q_lora.down.weight",
                                        randomF32(1, 2, 3),
                                        "m.processor.to_q_lora.up.weight",
                                        randomF32(2, 4, 2)))
                        .toString());
        expected.put(
                "kohya",
                file(
                                "k.safetensors",
                                tensors(
                                        "m.lora_down.weight",
                                        randomF32(1, 2, 3),
                                        "m.lora_up.weight",
                                        randomF32(2, 4, 2)))
                        .toString());
        Path folder = tmp.resolve("peft-loha");
        TestFiles.write(
                folder.resolve(PeftFolder.WEIGHTS),
                TestFiles.safetensors(
                        tensors(
                                "base_model.model.m.hada_w1_a",
                                randomF32(1, 4, 2),
                                "base_model.model.m.hada_w1_b",
                                randomF32(2, 2, 3),
                                "base_model.model.m.hada_w2_a",
                                randomF32(3, 4, 2),
                                "base_model.model.m.hada_w2_b",
                                randomF32(4, 2, 3)),
                        Map.of()));
        TestFiles.write(folder.resolve(PeftFolder.CONFIG), "{\"peft_type\": \"LOHA\", \"r\": 2, \"alpha\": 2}");
        expected.put("peft_loha", folder.toString());
        expected.put("peft", RealAdapters.path("gpt2-tigrinya").toString());
        Path saved = tmp.resolve("saved-by-diffusers");
        TestFiles.write(
                saved.resolve("pytorch_lora_weights.safetensors"),
                TestFiles.safetensors(
                        tensors(
                                "m.processor.to_q_lora.down.weight",
                                randomF32(1, 2, 3),
                                "m.processor.to_q_lora.up.weight",
                                randomF32(2, 4, 2)),
                        Map.of()));
        expected.put("diffusers_attn_procs", saved.toString());
        Map<String, String> firstModule = Map.of(
                "lycoris",
                "m",
                "diffusers",
                "m.to_q",
                "diffusers_attn_procs",
                "m.to_q",
                "kohya",
                "m",
                "peft_loha",
                "m",
                "peft",
                "transformer.h.0.attn.c_attn");
        expected.forEach((key, path) -> {
            String id = key.replace("_file", "");
            StoredAdapter a = (StoredAdapter) Formats.open(Path.of(path), LoadOptions.defaults());
            assertEquals(id, a.format().id(), path);
            assertEquals(firstModule.get(id), a.type().names().iterator().next(), id);
        });
        assertOpenError(
                file("unknown.safetensors", tensors("w.weight", randomF32(1, 2, 2))),
                "not an adapter",
                "Looked for",
                "PEFT adapter folder",
                "LyCORIS",
                "diffusers",
                "kohya");
        assertOpenError(
                file("clone.safetensors", tensors("unet:0:down", randomF32(1, 1, 4), "unet:0:up", randomF32(2, 4, 1))),
                "cloneofsimo");
    }

    private Path file(String name, Map<String, TestFiles.Raw> tensors) {
        return TestFiles.write(tmp.resolve(name), TestFiles.safetensors(tensors, Map.of()));
    }

    @Test
    void sinksByFormatRefuseTheirInputs() {
        Path in = TestFiles.copyFolder(RealAdapters.path("distilbert-imdb"), tmp.resolve("imdb"));
        AdapterSource a = Formats.open(in, LoadOptions.defaults());
        try (AdapterSink peft = Formats.sink(AdapterFormat.PEFT, a.meta(), List.of(in));
                AdapterSink kohya = Formats.sink(AdapterFormat.KOHYA, a.meta(), List.of())) {
            assertInstanceOf(PeftFolderWriter.class, peft);
            assertInstanceOf(KohyaFileWriter.class, kohya);
            a.type().names().forEach(m -> peft.add(a.read(m)));
            assertThrows(AdapterFormatException.class, () -> peft.commit(in));
        }
        assertEquals(List.of("imdb"), TestFiles.listing(tmp));
    }

    @Test
    void theLanguageLoadsAndSavesKohyaFilesThroughTheseReadersAndWriters() {
        Path file = TestFiles.write(
                tmp.resolve("style.safetensors"),
                TestFiles.safetensors(
                        tensors(
                                "lora_unet_a.alpha",
                                TestFiles.f32(new long[0], 1f),
                                "lora_unet_a.lora_down.weight",
                                randomF32(1, 2, 3, 3, 3),
                                "lora_unet_a.lora_up.weight",
                                randomF32(2, 4, 2, 1, 1)),
                        Map.of("ss_network_dim", "2")));
        Adapter a = Lora.load(file.toString());
        Path out = tmp.resolve("copy.safetensors");
        a.save(out.toString());
        AdapterSource back = Formats.open(out, LoadOptions.defaults());
        AdapterSource in = Formats.open(file, LoadOptions.defaults());
        assertEquals(in.type(), back.type());
        assertEquals(0.5, back.scale("lora_unet_a").getAsDouble());
        assertTrue(in.read("lora_unet_a")
                .a()
                .contentEquals(back.read("lora_unet_a").a()));
        assertEquals(Map.of("ss_network_dim", "2"), back.meta().fileMetadata());
    }

    private static void assertOpenError(Path p, String... fragments) {
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> Formats.open(p, LoadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
