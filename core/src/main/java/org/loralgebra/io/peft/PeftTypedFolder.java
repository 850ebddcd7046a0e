package org.loralgebra.io.peft;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.TensorRef;

/**
 * What the readers of PEFT's other additive types (LoHa, LoKr, AdaLoRA, VeRA) share: the folder's weights and its
 * {@code adapter_config.json} as JSON (their keys differ from LoRA's, so it is not a {@link PeftConfig}), typed reads
 * of config keys that name the key when its value is wrong, and the adapter they make, whose meta is a PEFT LoRA:
 * what a save of it writes.
 */
public final class PeftTypedFolder {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Config keys carried into the LoRA config a save writes: they say what the adapter is for, not how it computes. */
    private static final List<String> CARRIED =
            List.of("base_model_name_or_path", "revision", "task_type", "modules_to_save", "inference_mode");

    private final Path folder;
    private final Path configFile;
    private final ObjectNode config;
    private final SafetensorsFile weights;

    private PeftTypedFolder(Path folder, Path configFile, ObjectNode config, SafetensorsFile weights) {
        this.folder = folder;
        this.configFile = configFile;
        this.config = config;
        this.weights = weights;
    }

    /**
     * Opens the folder's weights header and config.
     *
     * @throws AdapterFormatException when either is missing or malformed
     */
    public static PeftTypedFolder open(Path folder) {
        Path weightsFile = PeftFolder.weightsOf(folder);
        Path configFile = folder.resolve(PeftFolder.CONFIG);
        String text;
        try {
            text = Files.readString(configFile);
        } catch (CharacterCodingException e) {
            throw new AdapterFormatException(configFile, "not valid UTF-8 text (a JSON config was expected)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configFile + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (JsonProcessingException e) {
            throw new AdapterFormatException(configFile, "invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AdapterFormatException(configFile, "adapter_config.json must hold a JSON object");
        }
        return new PeftTypedFolder(folder, configFile, (ObjectNode) root, SafetensorsFile.open(weightsFile));
    }

    /** The folder's {@code adapter_config.json}. */
    public Path configFile() {
        return configFile;
    }

    /** The header of the folder's {@code adapter_model.safetensors}. */
    public SafetensorsFile weights() {
        return weights;
    }

    /** The value of {@code key}, or null when absent or null. */
    public JsonNode node(String key) {
        JsonNode v = config.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** A positive integer, {@code fallback} when absent. */
    public int positiveInt(String key, int fallback) {
        JsonNode v = node(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
            throw bad(key, "a positive integer", v);
        }
        return v.intValue();
    }

    /** A finite number, {@code fallback} when absent. */
    public double finite(String key, double fallback) {
        JsonNode v = node(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw bad(key, "a finite number", v);
        }
        return v.doubleValue();
    }

    /** A boolean, {@code fallback} when absent. */
    public boolean flag(String key, boolean fallback) {
        JsonNode v = node(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw bad(key, "true or false", v);
        }
        return v.booleanValue();
    }

    /** The error for a config key of the wrong value. */
    public AdapterFormatException bad(String key, String expected, JsonNode found) {
        return new AdapterFormatException(configFile, "\"" + key + "\" must be " + expected + ", found " + found);
    }

    /**
     * The config's per-module ranks and alphas as PEFT resolves them ({@code rank_pattern} / {@code alpha_pattern}
     * regexes over {@code r} and {@code alphaKey}), as a LoRA config whose {@link PeftConfig#rankFor} and
     * {@link PeftConfig#alphaFor} apply PEFT's matching.
     */
    public PeftConfig patterns(int r, double alpha) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("peft_type", "LORA");
        n.put("r", r);
        PeftConfig.putNumber(n, "lora_alpha", alpha);
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode p = node(key);
            if (p != null) {
                n.set(key, p.deepCopy());
            }
        }
        return PeftConfig.parse(n.toString(), configFile);
    }

    /** {@code "base_model.model."} when every module key carries it (as PEFT saves), else {@code ""}. */
    public static String prefix(Collection<String> moduleKeys) {
        return !moduleKeys.isEmpty() && moduleKeys.stream().allMatch(k -> k.startsWith(PeftKeys.PREFIX))
                ? PeftKeys.PREFIX
                : "";
    }

    /**
     * The adapter read: {@code modules} in order, {@code extras} kept, and as meta a PEFT LoRA config that gives each
     * module its rank and scale (what a save writes), carrying the source config's base model, task type and
     * {@code modules_to_save}.
     */
    public StoredAdapter adapter(
            SourceFormat format,
            String keyPrefix,
            LoadOptions options,
            Map<String, StoredAdapter.ModuleTensors> modules,
            Map<String, TensorRef> extras) {
        if (modules.isEmpty()) {
            throw new AdapterFormatException(
                    weights.path(),
                    "no " + format.title() + " tensors; found "
                            + weights.tensors().size() + " other tensors");
        }
        String base = options.baseModel()
                .orElse(
                        node("base_model_name_or_path") == null
                                ? null
                                : node("base_model_name_or_path").asText());
        List<ConfigFit.Module> fits = new ArrayList<>();
        modules.values().forEach(t -> fits.add(new ConfigFit.Module(t.spec(), t.scale())));
        PeftConfig template = PeftConfig.lora(Math.max(1, fits.get(0).spec().rank()), 8, base)
                .with(n -> {
                    for (String key : CARRIED) {
                        JsonNode v = node(key);
                        if (v != null && !key.equals("base_model_name_or_path")) {
                            n.set(key, v.deepCopy());
                        }
                    }
                });
        PeftConfig config = ConfigFit.fit(template, fits);
        AdapterType type = AdapterType.of(
                base,
                modules.values().stream().map(StoredAdapter.ModuleTensors::spec).toList());
        AdapterMeta meta = new AdapterMeta(AdapterFormat.PEFT, config, keyPrefix, extras, weights.metadata());
        String label = options.label()
                .orElse(folder.toAbsolutePath().normalize().getFileName().toString());
        return StoredAdapter.of(label, format, folder, weights, type, meta, modules);
    }
}
