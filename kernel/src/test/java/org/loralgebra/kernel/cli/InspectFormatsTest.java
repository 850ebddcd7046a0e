package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code lora inspect} on the formats beyond PEFT LoRA: the source format and what a save writes, each module's
 * stored form, its own rank and tensors beside the rank of its exact LoRA form (checked against the shapes the test
 * wrote), the real diffusers files, and refusals as exit 2 with one line and no stack trace.
 */
class InspectFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String M = "lora_unet_mid_block_attentions_0_proj_out";

    @TempDir
    Path tmp;

    private static Tensor rand(long seed, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() - 0.5;
        }
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    private Path file(String name, Object... nameThenTensor) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            tensors.put((String) nameThenTensor[i], (Tensor) nameThenTensor[i + 1]);
        }
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        SafetensorsWriter.write(f, Map.of(), tensors);
        return f;
    }

    private static JsonNode json(Path p) throws IOException {
        CliRun run = CliRun.of("inspect", p.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        return JSON.readTree(run.out());
    }

    @Test
    void lycorisModulesShowTheirStoredFormAndExactRank() throws IOException {
        Path f = file(
                "style.safetensors",
                M + ".hada_w1_a",
                rand(1, 6, 2),
                M + ".hada_w1_b",
                rand(2, 2, 5),
                M + ".hada_w2_a",
                rand(3, 6, 2),
                M + ".hada_w2_b",
                rand(4, 2, 5),
                M + ".alpha",
                rand(5),
                "k.lokr_w1",
                rand(6, 2, 2),
                "k.lokr_w2_a",
                rand(7, 3, 1),
                "k.lokr_w2_b",
                rand(8, 1, 4));
        JsonNode root = json(f);
        assertEquals("lycoris", root.get("source_format").asText());
        assertEquals("kohya", root.get("format").asText(), "what a save writes");
        assertTrue(
                root.get("saves_as").asText().contains("kohya LoRA file")
                        && root.get("saves_as").asText().contains("exact ranks"),
                root.get("saves_as").asText());
        JsonNode loha = root.get("modules").get(M);
        assertEquals(4, loha.get("rank").asInt(), "r₁·r₂");
        assertEquals("loha", loha.get("source_form").asText());
        assertEquals(2, loha.get("source_rank").asInt());
        assertEquals(
                List.of(M + ".hada_w1_a", M + ".hada_w1_b", M + ".hada_w2_a", M + ".hada_w2_b"),
                names(loha.get("source_tensors")));
        assertEquals("[6,2]", loha.get("source_tensors").get(M + ".hada_w1_a").toString());
        JsonNode lokr = root.get("modules").get("k");
        assertEquals(
                List.of(6, 8, 2),
                List.of(
                        lokr.get("out").asInt(),
                        lokr.get("in").asInt(),
                        lokr.get("rank").asInt()),
                "[2·3, 2·4] of rank min(2, 2)·1");
        assertEquals("lokr", lokr.get("source_form").asText());
        assertEquals(
                4 * (6 + 5) + 2 * (6 + 8),
                root.get("parameters").asLong(),
                "parameters of the exact forms a save writes");

        String text = CliRun.of("inspect", f.toString()).out();
        assertTrue(text.startsWith("style: LyCORIS file"), text);
        assertTrue(text.contains("  read as     exact LoRA factors"), text);
        assertTrue(text.contains("  saves as    a kohya LoRA file"), text);
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("  " + M)
                                && l.contains(" 6x5 ")
                                && l.contains("LoHa (r 2)⊙(r 2) " + "= rank 4")),
                text);
        assertTrue(text.lines().noneMatch(l -> l.endsWith(" ")), "no trailing spaces");
    }

    @Test
    void theRealDiffusersFiles() throws IOException {
        JsonNode faithsang =
                json(CliRun.adapter("sd-unet-diffusers-faithsang").resolve("pytorch_lora_weights.safetensors"));
        assertEquals("diffusers", faithsang.get("format").asText());
        assertEquals("diffusers", faithsang.get("source_format").asText());
        assertEquals(96, faithsang.get("module_count").asInt());
        for (JsonNode m : faithsang.get("modules")) {
            assertEquals(4.0, m.get("scale").asDouble(), "lora_alpha 16 / r 4 from lora_adapter_metadata");
            assertEquals("lora", m.get("source_form").asText());
        }
        JsonNode rick = json(CliRun.adapter("sd15-rickmorty").resolve("pytorch_lora_weights.safetensors"));
        assertEquals("diffusers_attn_procs", rick.get("source_format").asText());
        assertEquals("diffusers", rick.get("format").asText(), "saved in the current diffusers spelling");
        JsonNode out = rick.get("modules").get("up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0");
        assertEquals(1.0, out.get("scale").asDouble());
        assertTrue(
                out.get("source_tensors")
                        .has("up_blocks.3.attentions.2.transformer_blocks.0.attn2.processor.to_out_lora"
                                + ".down.weight"),
                out.toString());
    }

    @Test
    void refusalsAreInputErrorsOfOneLine() throws IOException {
        Path ia3 = tmp.resolve("ia3");
        file("ia3/adapter_model.safetensors", "base_model.model.q.ia3_l", rand(1, 4, 1));
        Files.writeString(ia3.resolve("adapter_config.json"), "{\"peft_type\": \"IA3\"}");
        Path dora = file(
                "dora.safetensors",
                M + ".lora_down.weight",
                rand(1, 2, 5),
                M + ".lora_up.weight",
                rand(2, 6, 2),
                M + ".dora_scale",
                rand(3, 1, 5));
        Path vera = tmp.resolve("vera");
        file(
                "vera/adapter_model.safetensors",
                "base_model.model.q.vera_lambda_b",
                rand(1, 4),
                "base_model.model.q.vera_lambda_d",
                rand(2, 2));
        Files.writeString(
                vera.resolve("adapter_config.json"), "{\"peft_type\": \"VERA\", \"r\": 2, \"save_projection\": false}");
        Path lonely = file("lonely.safetensors", M + ".hada_w1_a", rand(1, 6, 2));
        Path ada = tmp.resolve("ada");
        file(
                "ada/adapter_model.safetensors",
                "base_model.model.q.lora_A",
                rand(1, 3, 5),
                "base_model.model.q.lora_E",
                rand(2, 3, 1),
                "base_model.model.q.lora_B",
                rand(3, 6, 3));
        Files.writeString(ada.resolve("adapter_config.json"), "{\"peft_type\": \"ADALORA\", \"init_r\": 4}");
        Path meta = tmp.resolve("meta.safetensors");
        SafetensorsWriter.write(
                meta,
                Map.of("lora_adapter_metadata", "{\"r\": 4"),
                Map.of("m.to_q.lora_A.weight", rand(1, 2, 3), "m.to_q.lora_B.weight", rand(2, 4, 2)));
        Map<Path, String> expected = Map.of(
                ia3,
                ia3.resolve("adapter_config.json") + ": peft_type \"IA3\"",
                dora,
                dora + ": tensor '" + M + ".dora_scale'",
                vera,
                vera.resolve("adapter_config.json") + ": \"save_projection\" is false",
                lonely,
                lonely + ": tensor '" + M + ".hada_w1_a': expected its partner '" + M + ".hada_w1_b'",
                ada,
                ada.resolve("adapter_model.safetensors") + ": tensor 'base_model.model.q.lora_A': expected init_r = 4",
                meta,
                meta + ": __metadata__ entry 'lora_adapter_metadata': invalid JSON");
        expected.forEach((path, start) -> {
            for (List<String> args :
                    List.of(List.of("inspect", path.toString()), List.of("inspect", path.toString(), "--json"))) {
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(ExitCodes.INPUT, run.status(), run.err());
                assertEquals("", run.out());
                assertTrue(run.err().startsWith("lora: error: " + start), run.err());
                assertEquals(1, run.err().lines().count(), "one line: " + run.err());
                assertFalse(run.err().contains("\tat "), "no stack trace");
            }
        });
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
