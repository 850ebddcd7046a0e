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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lora inspect} on the real adapters in examples/adapters, checked against the safetensors headers and configs
 * read by the test itself.
 */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "base_model.model.";

    private static JsonNode inspectJson(String... args) throws IOException {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        return JSON.readTree(run.out());
    }

    /** Module name to [out, in, rank], from the header: lora_A is [r, in], lora_B is [out, r]. */
    private static Map<String, long[]> modulesFromHeader(Path folder) throws IOException {
        Map<String, long[]> shapes = SafetensorsHeader.shapes(folder.resolve("adapter_model.safetensors"));
        Map<String, long[]> modules = new LinkedHashMap<>();
        shapes.forEach((key, shape) -> {
            if (key.endsWith(".lora_A.weight")) {
                String module = key.substring(PREFIX.length(), key.length() - ".lora_A.weight".length());
                long[] b = shapes.get(PREFIX + module + ".lora_B.weight");
                modules.put(module, new long[] {b[0], shape[1], shape[0]});
            }
        });
        return modules;
    }

    @ParameterizedTest
    @ValueSource(strings = {"distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya"})
    void jsonModulesMatchTheHeaderAndConfig(String name) throws IOException {
        Path folder = CliRun.adapter(name);
        JsonNode config = JSON.readTree(folder.resolve("adapter_config.json").toFile());
        double alpha = config.get("lora_alpha").asDouble();
        int r = config.get("r").asInt();
        Map<String, long[]> expected = modulesFromHeader(folder);

        JsonNode root = inspectJson("inspect", folder.toString(), "--json");
        JsonNode modules = root.get("modules");
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(names(modules)));
        expected.forEach((module, outInRank) -> {
            JsonNode m = modules.get(module);
            assertEquals(outInRank[0], m.get("out").asLong(), module);
            assertEquals(outInRank[1], m.get("in").asLong(), module);
            assertEquals(outInRank[2], m.get("rank").asLong(), module);
            assertEquals(alpha, m.get("alpha").asDouble(), 0.0, module);
            assertEquals(alpha / r, m.get("scale").asDouble(), 0.0, module);
            assertEquals("F32", m.get("dtype").asText(), module);
            assertFalse(m.get("dora").asBoolean(), module);
            assertEquals(
                    config.get("fan_in_fan_out").asBoolean(),
                    m.get("fan_in_fan_out").asBoolean(),
                    module);
        });
        assertEquals(
                config.get("base_model_name_or_path").asText(),
                root.get("base_model").asText());
        assertEquals("peft", root.get("format").asText());
        assertEquals(name, root.get("label").asText());
        assertEquals(
                folder.toAbsolutePath().normalize().toString(), root.get("path").asText());
        assertEquals(expected.size(), root.get("module_count").asInt());
    }

    @Test
    void jsonNumbersOfTheThreeAdapters() throws IOException {
        JsonNode imdb = inspectJson("inspect", CliRun.adapter("distilbert-imdb").toString(), "--json");
        assertEquals(12, imdb.get("modules").size());
        JsonNode q0 = imdb.get("modules").get("distilbert.transformer.layer.0.attention.q_lin");
        assertEquals(
                List.of(768, 768, 8),
                List.of(
                        q0.get("out").asInt(),
                        q0.get("in").asInt(),
                        q0.get("rank").asInt()));
        assertEquals(16.0, q0.get("alpha").asDouble());
        assertEquals(2.0, q0.get("scale").asDouble());

        JsonNode emotion =
                inspectJson("inspect", CliRun.adapter("distilbert-emotion").toString(), "--json");
        assertEquals(12, emotion.get("modules").size());

        JsonNode gpt2 = inspectJson("inspect", CliRun.adapter("gpt2-tigrinya").toString(), "--json");
        assertEquals(36, gpt2.get("modules").size());
        JsonNode cAttn = gpt2.get("modules").get("transformer.h.0.attn.c_attn");
        assertEquals(
                List.of(2304, 768, 8),
                List.of(
                        cAttn.get("out").asInt(),
                        cAttn.get("in").asInt(),
                        cAttn.get("rank").asInt()));
        assertEquals(4.0, cAttn.get("scale").asDouble());
        assertTrue(cAttn.get("fan_in_fan_out").asBoolean());
        JsonNode mlp = gpt2.get("modules").get("transformer.h.11.mlp.c_proj");
        assertEquals(
                List.of(768, 3072),
                List.of(mlp.get("out").asInt(), mlp.get("in").asInt()));
        assertEquals(0, gpt2.get("extra_tensors").size());
    }

    @Test
    void jsonKeysComeInAStableOrderAndModulesInLayerOrder() throws IOException {
        JsonNode root = inspectJson("inspect", CliRun.adapter("gpt2-tigrinya").toString(), "--json");
        assertEquals(
                List.of(
                        "label",
                        "format",
                        "path",
                        "base_model",
                        "modules",
                        "extra_tensors",
                        "files",
                        "module_count",
                        "parameters",
                        "bytes",
                        "source_format",
                        "saves_as"),
                names(root));
        assertEquals(
                List.of(
                        "kind",
                        "out",
                        "in",
                        "rank",
                        "alpha",
                        "scale",
                        "dtype",
                        "dora",
                        "fan_in_fan_out",
                        "source_form",
                        "source_rank",
                        "source_tensors",
                        "source_summary"),
                names(root.get("modules").get("transformer.h.0.attn.c_attn")));
        List<Integer> layers = new ArrayList<>();
        for (String module : names(root.get("modules"))) {
            layers.add(Integer.parseInt(module.split("\\.")[2]));
        }
        List<Integer> sorted = new ArrayList<>(layers);
        sorted.sort(null);
        assertEquals(sorted, layers, "layer 10 must come after layer 9, not after layer 1");
        // the same input gives the same bytes
        assertEquals(
                CliRun.of("inspect", CliRun.adapter("gpt2-tigrinya").toString(), "--json")
                        .out(),
                CliRun.of("inspect", CliRun.adapter("gpt2-tigrinya").toString(), "--json")
                        .out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"distilbert-imdb", "distilbert-emotion"})
    void extraTensorsAreTheHeadersNonLoraTensors(String name) throws IOException {
        Path folder = CliRun.adapter(name);
        Map<String, long[]> expected = new LinkedHashMap<>();
        SafetensorsHeader.shapes(folder.resolve("adapter_model.safetensors")).forEach((key, shape) -> {
            if (!key.contains(".lora_")) {
                expected.put(key, shape);
            }
        });
        assertEquals(4, expected.size());

        JsonNode extras = inspectJson("inspect", folder.toString(), "--json").get("extra_tensors");
        Map<String, long[]> found = new LinkedHashMap<>();
        for (JsonNode e : extras) {
            assertEquals("F32", e.get("dtype").asText());
            long[] shape = new long[e.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get("shape").get(i).asLong();
            }
            found.put(e.get("name").asText(), shape);
        }
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((key, shape) -> assertArrayEquals(shape, found.get(key), key));
        long classes = name.equals("distilbert-imdb") ? 2 : 6;
        assertArrayEquals(
                new long[] {classes, 768}, found.get("base_model.model.classifier.weight"), "classifier head");
    }

    private static void assertArrayEquals(long[] expected, long[] actual, String what) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya"})
    void parameterCountAndBytesAreIndependentlyCounted(String name) throws IOException {
        Path folder = CliRun.adapter(name);
        long loraElements = 0;
        for (Map.Entry<String, long[]> e : SafetensorsHeader.shapes(folder.resolve("adapter_model.safetensors"))
                .entrySet()) {
            if (e.getKey().contains(".lora_")) {
                loraElements += SafetensorsHeader.numel(e.getValue());
            }
        }
        long bytes = Files.size(folder.resolve("adapter_model.safetensors"))
                + Files.size(folder.resolve("adapter_config.json"));

        JsonNode root = inspectJson("inspect", folder.toString(), "--json");
        assertEquals(loraElements, root.get("parameters").asLong());
        assertEquals(bytes, root.get("bytes").asLong());

        String text = CliRun.of("inspect", folder.toString()).out();
        assertTrue(
                text.contains(String.format(
                        Locale.ROOT,
                        "total: %d modules, %,d LoRA parameters, %,d bytes on disk",
                        root.get("module_count").asInt(),
                        loraElements,
                        bytes)),
                text);
    }

    @Test
    void textShowsHeaderModuleRowsExtrasAndTotals() throws IOException {
        Path folder = CliRun.adapter("distilbert-imdb");
        CliRun run = CliRun.of("inspect", folder.toString());
        assertEquals(0, run.status(), run.err());
        String text = run.out();
        assertTrue(text.startsWith("distilbert-imdb: PEFT adapter folder\n"), text);
        assertTrue(text.contains("  path        " + folder.toAbsolutePath().normalize() + "\n"), text);
        assertTrue(text.contains("  base model  distilbert-base-uncased\n"), text);
        assertTrue(text.contains("modules (12)\n"), text);
        Pattern row = Pattern.compile("^  (\\S+) +768x768 +8 +16\\.0 +2\\.0 +F32 +no$", Pattern.MULTILINE);
        Set<String> rows = new TreeSet<>();
        Matcher m = row.matcher(text);
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertEquals(new TreeSet<>(modulesFromHeader(folder).keySet()), rows);
        assertTrue(text.contains("extra tensors (4)\n"), text);
        assertTrue(
                Pattern.compile("^  base_model\\.model\\.classifier\\.weight +F32 +\\[2, 768]$", Pattern.MULTILINE)
                        .matcher(text)
                        .find(),
                text);
        assertTrue(text.contains("total: 12 modules, 147,456 LoRA parameters, "), text);
    }

    @Test
    void textColumnsAreAlignedFor36Modules() {
        String text =
                CliRun.of("inspect", CliRun.adapter("gpt2-tigrinya").toString()).out();
        List<String> lines =
                text.lines().filter(l -> l.startsWith("  transformer.h.")).toList();
        assertEquals(36, lines.size());
        String header =
                text.lines().filter(l -> l.startsWith("  module ")).findFirst().orElseThrow();
        for (String column : List.of("out x in", "rank", "alpha", "scale")) {
            int end = header.indexOf(column) + column.length();
            for (String line : lines) {
                assertTrue(
                        line.charAt(end - 1) != ' ' && line.charAt(end) == ' ',
                        "right-aligned '" + column + "' in: " + line);
            }
        }
        for (String column : List.of("dtype", "DoRA")) {
            int start = header.indexOf(column);
            for (String line : lines) {
                assertTrue(
                        line.charAt(start - 1) == ' ' && line.charAt(start) != ' ',
                        "left-aligned '" + column + "' in: " + line);
            }
        }
        assertTrue(text.contains("fan_in_fan_out"), "GPT-2's [in, out] layout is shown");
        assertTrue(text.lines().noneMatch(l -> l.endsWith(" ")), "no trailing spaces");
    }

    @Test
    void folderWithoutConfigNeedsAlphaAndSaysHow(@TempDir Path dir) throws IOException {
        Path folder = dir.resolve("no-config");
        Files.createDirectory(folder);
        Files.copy(
                CliRun.adapter("distilbert-imdb").resolve("adapter_model.safetensors"),
                folder.resolve("adapter_model.safetensors"));

        CliRun missing = CliRun.of("inspect", folder.toString());
        assertEquals(ExitCodes.INPUT, missing.status());
        assertEquals("", missing.out());
        assertTrue(missing.err().startsWith("lora: error: " + folder.resolve("adapter_config.json")), missing.err());
        assertTrue(missing.err().contains("--alpha"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace: " + missing.err());

        JsonNode root = inspectJson("inspect", folder.toString(), "--alpha", "16", "--json");
        assertEquals(12, root.get("modules").size());
        for (JsonNode m : root.get("modules")) {
            assertEquals(8, m.get("rank").asInt());
            assertEquals(16.0, m.get("alpha").asDouble());
            assertEquals(2.0, m.get("scale").asDouble());
        }
        assertEquals(
                Files.size(folder.resolve("adapter_model.safetensors")),
                root.get("bytes").asLong(),
                "no config file to count");

        JsonNode ranked = inspectJson("inspect", folder.toString(), "--alpha", "32", "--rank", "8", "--json");
        assertEquals(
                4.0,
                ranked.get("modules")
                        .get("distilbert.transformer.layer.5.attention.v_lin")
                        .get("scale")
                        .asDouble());
    }

    @Test
    void alphaOverridesTheConfig() throws IOException {
        JsonNode root = inspectJson("inspect", CliRun.adapter("gpt2-tigrinya").toString(), "--alpha", "8", "--json");
        assertEquals(
                1.0,
                root.get("modules")
                        .get("transformer.h.3.mlp.c_proj")
                        .get("scale")
                        .asDouble());
    }

    @Test
    void nonexistentPathIsAnInputErrorNamingIt(@TempDir Path dir) {
        Path nowhere = dir.resolve("no-such-adapter");
        CliRun run = CliRun.of("inspect", nowhere.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("lora: error: " + nowhere + ": "), run.err());
        assertEquals(1, run.err().lines().count(), "one line, no stack trace: " + run.err());
    }

    @Test
    void notAnAdapterFolderIsAnInputError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 8, \"lora_alpha\": 16}");
        CliRun run = CliRun.of("inspect", dir.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertTrue(run.err().startsWith("lora: error: " + dir.resolve("adapter_model.safetensors")), run.err());
    }

    @Test
    void badAlphaOrRankIsAUsageError() {
        for (String[] args : List.of(
                new String[] {"--alpha", "0"},
                new String[] {"--alpha", "-2"},
                new String[] {"--rank", "0"},
                new String[] {"--alpha", "sixteen"})) {
            List<String> all = new ArrayList<>(
                    List.of("inspect", CliRun.adapter("distilbert-imdb").toString()));
            all.addAll(List.of(args));
            CliRun run = CliRun.of(all.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, run.status(), String.join(" ", all));
            assertTrue(run.err().startsWith("lora: error: "), run.err());
            assertTrue(run.err().contains(args[0]), run.err());
            assertTrue(run.err().contains("lora inspect --help"), run.err());
        }
        CliRun missingPath = CliRun.of("inspect");
        assertEquals(ExitCodes.USAGE, missingPath.status());
        assertTrue(missingPath.err().contains("PATH"), missingPath.err());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
