package org.loralgebra.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.ModulePattern;

/**
 * A PEFT {@code adapter_config.json}, immutable. Every key is kept, known or not, and written back; the
 * typed accessors read the keys LoRA needs with PEFT's defaults.
 *
 * <p>Per-module rank and alpha follow PEFT: a key of {@code rank_pattern} / {@code alpha_pattern} applies to a
 * module when the regex {@code (.*\.)?(KEY)$} matches the module's whole name; the first matching key in
 * the file's order wins. The scale is {@code alpha / r}, or {@code alpha / √r} with {@code use_rslora}.
 */
public final class PeftConfig {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json writes NaN and Infinity
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final ObjectNode root;
    private final Path source;
    private final String text;

    private PeftConfig(ObjectNode root, Path source, String text) {
        this.root = root;
        this.source = source;
        this.text = text;
    }

    /**
     * Parses a config.
     *
     * @param source the file it came from, for error messages (may be null)
     * @throws AdapterFormatException when it is not a JSON object or a LoRA key has the wrong type
     */
    public static PeftConfig parse(String json, Path source) {
        JsonNode node;
        try {
            node = JSON.readTree(json.startsWith("\uFEFF") ? json.substring(1) : json);
        } catch (JsonProcessingException e) {
            throw new AdapterFormatException(source, "invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new AdapterFormatException(source, "adapter_config.json must hold a JSON object");
        }
        PeftConfig config = new PeftConfig((ObjectNode) node, source, json);
        config.validate();
        return config;
    }

    /**
     * A {@code peft_type} value as a name: {@code "LORA"} when absent or null (PEFT's reading), the string itself, or
     * any other JSON value as written, so that a refusal shows what the file holds.
     */
    public static String peftType(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "LORA";
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    /** A minimal LoRA config with rank {@code r} and {@code lora_alpha}. */
    public static PeftConfig lora(int r, double alpha, String baseModel) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("peft_type", "LORA");
        n.put("r", r);
        putNumber(n, "lora_alpha", alpha);
        if (baseModel != null) {
            n.put("base_model_name_or_path", baseModel);
        }
        n.putObject("rank_pattern");
        n.putObject("alpha_pattern");
        n.put("use_rslora", false);
        n.put("use_dora", false);
        n.put("fan_in_fan_out", false);
        return new PeftConfig(n, null, null);
    }

    private void validate() {
        String type = peftType(root.get("peft_type"));
        if (!type.equals("LORA")) {
            throw new AdapterFormatException(
                    source, "peft_type is \"" + type + "\"; LoRAlgebra reads LoRA adapters (peft_type \"LORA\")");
        }
        ConfigValues values = new ConfigValues(source);
        values.rank("\"r\"", root.get("r"));
        values.alpha("\"lora_alpha\"", root.get("lora_alpha"));
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode p = root.get(key);
            if (p != null && !p.isNull()) {
                if (!p.isObject()) {
                    throw new AdapterFormatException(
                            source, "\"" + key + "\" must be an object of module pattern to number, found " + p);
                }
                p.fields().forEachRemaining(e -> {
                    String where = "\"" + key + "\" entry '" + e.getKey() + "'";
                    if (key.equals("rank_pattern")) {
                        values.rank(where, e.getValue());
                    } else {
                        values.alpha(where, e.getValue());
                    }
                    values.pattern(where, () -> ModulePattern.patternKey(e.getKey()));
                });
            }
        }
        for (String key : List.of("target_modules", "exclude_modules")) {
            JsonNode t = root.get(key);
            if (t != null && t.isTextual()) {
                values.pattern("\"" + key + "\"", () -> ModulePattern.of(t.textValue()));
            }
            values.strings("\"" + key + "\"", t, "a list of module names or one regex string", true);
        }
        values.strings("\"modules_to_save\"", root.get("modules_to_save"), "a list of module names", false);
        values.strings("\"layers_pattern\"", root.get("layers_pattern"), "a layer-list name or a list of them", true);
        values.layers("\"layers_to_transform\"", root.get("layers_to_transform"));
        // the switches that change the numbers read (scale, magnitudes, biases, layout): JSON booleans only
        for (String key : List.of("use_rslora", "use_dora", "fan_in_fan_out", "lora_bias")) {
            values.flag("\"" + key + "\"", root.get(key));
        }
        LoraVariantKeys.check(root, source);
    }

    /** The default rank {@code r} (PEFT's default: 8). */
    public int r() {
        return root.path("r").asInt(8);
    }

    /** The default {@code lora_alpha} (PEFT's default: 8). */
    public double loraAlpha() {
        return root.path("lora_alpha").asDouble(8);
    }

    /** Whether the scale is {@code alpha/√r} (rsLoRA) rather than {@code alpha/r}. */
    public boolean useRslora() {
        return root.path("use_rslora").asBoolean(false);
    }

    /** Whether the adapter is DoRA (magnitude vectors per module). */
    public boolean useDora() {
        return root.path("use_dora").asBoolean(false);
    }

    /** Whether the base model stores the targeted weights as {@code [in, out]} (GPT-2 Conv1D). */
    public boolean fanInFanOut() {
        return root.path("fan_in_fan_out").asBoolean(false);
    }

    /** Whether the adapter trains a bias on {@code lora_B}. */
    public boolean loraBias() {
        return root.path("lora_bias").asBoolean(false);
    }

    /** {@code base_model_name_or_path}, if set. */
    public Optional<String> baseModel() {
        JsonNode v = root.get("base_model_name_or_path");
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /** {@code target_modules}: a list of names, or one regex (as a one-element list), or empty. */
    public List<String> targetModules() {
        return strings(root.get("target_modules"));
    }

    /**
     * Whether PEFT would target {@code module} (its name in the base model, without {@code base_model.model.}), by
     * PEFT's {@code check_target_module_exists}: a module excluded by {@code exclude_modules} (a regex matching the
     * whole name, or a list entry equal to the name or ending it after a {@code '.'}) or lying inside a
     * {@code modules_to_save} entry is not; {@code target_modules} as a string is a regex the whole name must match;
     * as a list, the name must equal an entry or end with {@code "." + entry}, and then, when
     * {@code layers_to_transform} is set, its layer index (the number after the first segment, or after a
     * {@code layers_pattern} segment) must be one of those listed. False when {@code target_modules} is absent.
     */
    public boolean targets(String module) {
        JsonNode exclude = root.get("exclude_modules");
        if (exclude != null && exclude.isTextual()
                ? ModulePattern.fullMatch(exclude.textValue(), module)
                : endsWithEntry(module, strings(exclude))) {
            return false;
        }
        if (modulesToSaveEntryHolding(module).isPresent()) {
            return false;
        }
        JsonNode t = root.get("target_modules");
        if (t == null || t.isNull()) {
            return false;
        }
        if (t.isTextual()) {
            return ModulePattern.fullMatch(t.textValue(), module);
        }
        return endsWithEntry(module, strings(t)) && inTransformedLayer(module);
    }

    private static boolean endsWithEntry(String module, List<String> entries) {
        for (String entry : entries) {
            if (module.equals(entry) || module.endsWith("." + entry)) {
                return true;
            }
        }
        return false;
    }

    private boolean inTransformedLayer(String module) {
        JsonNode layers = root.get("layers_to_transform");
        if (layers == null || layers.isNull() || layers.isArray() && layers.isEmpty()) {
            return true;
        }
        List<String> patterns = strings(root.get("layers_pattern"));
        List<String> tries = patterns.isEmpty()
                ? List.of(".*?\\.[^.]*\\.(\\d+)\\..*")
                : patterns.stream().map(p -> ".*?\\." + p + "\\.(\\d+)\\..*").toList();
        for (String regex : tries) {
            Optional<String> digits = ModulePattern.of(regex).group(module, 1);
            if (digits.isPresent()) {
                long index = digits.get().length() > 18 ? -1 : Long.parseLong(digits.get());
                if (layers.isIntegralNumber()) {
                    return index == layers.asLong();
                }
                for (JsonNode l : layers) {
                    if (l.isIntegralNumber() && l.asLong() == index) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    /**
     * The first {@code modules_to_save} entry that {@code module} lies inside (the entry is a whole run of the name's
     * segments): PEFT trains and saves such a module whole and puts no LoRA in it.
     */
    public Optional<String> modulesToSaveEntryHolding(String module) {
        for (String head : modulesToSave()) {
            if (module.equals(head)
                    || module.startsWith(head + ".")
                    || module.endsWith("." + head)
                    || module.contains("." + head + ".")) {
                return Optional.of(head);
            }
        }
        return Optional.empty();
    }

    /** {@code modules_to_save}, or empty. */
    public List<String> modulesToSave() {
        return strings(root.get("modules_to_save"));
    }

    /** {@code rank_pattern} in file order. */
    public Map<String, Integer> rankPattern() {
        Map<String, Integer> out = new LinkedHashMap<>();
        JsonNode p = root.get("rank_pattern");
        if (p != null && p.isObject()) {
            p.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        }
        return out;
    }

    /** {@code alpha_pattern} in file order. */
    public Map<String, Double> alphaPattern() {
        Map<String, Double> out = new LinkedHashMap<>();
        JsonNode p = root.get("alpha_pattern");
        if (p != null && p.isObject()) {
            p.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        }
        return out;
    }

    /** The rank PEFT gives {@code module}: the first matching {@code rank_pattern} entry, else {@code r}. */
    public int rankFor(String module) {
        return matching(rankPattern(), module).orElse(r());
    }

    /** The alpha PEFT gives {@code module}: the first matching {@code alpha_pattern} entry, else {@code lora_alpha}. */
    public double alphaFor(String module) {
        return matching(alphaPattern(), module).orElse(loraAlpha());
    }

    /** The scale of {@code module}'s update: {@code alpha/r}, or {@code alpha/√r} with rsLoRA. */
    public double scaleFor(String module) {
        return scale(alphaFor(module), rankFor(module), useRslora());
    }

    /** {@code alpha/r}, or {@code alpha/√r} when {@code rslora}. */
    public static double scale(double alpha, int rank, boolean rslora) {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    private static <T> Optional<T> matching(Map<String, T> pattern, String module) {
        for (Map.Entry<String, T> e : pattern.entrySet()) {
            if (ModulePattern.patternKey(e.getKey()).matches(module)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The raw value of {@code key}, if present. */
    public Optional<JsonNode> get(String key) {
        return Optional.ofNullable(root.get(key)).map(JsonNode::deepCopy);
    }

    /** Every key, in file order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A copy of this config with {@code edit} applied to its JSON. */
    public PeftConfig with(Consumer<ObjectNode> edit) {
        ObjectNode copy = root.deepCopy();
        edit.accept(copy);
        if (copy.equals(root)) {
            return this;
        }
        PeftConfig c = new PeftConfig(copy, source, null);
        c.validate();
        return c;
    }

    /** The JSON as PEFT writes it ({@code json.dumps(indent=2, sort_keys=True)}). */
    public String toJson() {
        return PythonJson.print(root);
    }

    /**
     * The text to save: the text this config was parsed from, unchanged, when it has not been edited since (so
     * saving an adapter as it came reproduces its config file byte for byte); otherwise {@link #toJson()}.
     */
    public String text() {
        return text != null ? text : toJson();
    }

    /** Puts a number as an integer when it is one ({@code 16}, not {@code 16.0}). */
    public static void putNumber(ObjectNode node, String key, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            node.put(key, (long) value);
        } else {
            node.put(key, value);
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.textValue());
        } else if (node.isArray()) {
            node.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeftConfig c && root.equals(c.root);
    }

    @Override
    public int hashCode() {
        return root.hashCode();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
