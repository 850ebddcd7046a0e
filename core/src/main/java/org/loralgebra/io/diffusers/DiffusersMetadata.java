package org.loralgebra.io.diffusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;

/**
 * The PEFT LoRA config diffusers stores in a LoRA file's {@code __metadata__} under {@value #KEY} (JSON text, as
 * {@code json.dumps(config, indent=2, sort_keys=True)}): one config for the whole file, or one per pipeline component
 * with keys packed as {@code <component>.<key>} ({@code unet.r}, {@code text_encoder.lora_alpha}), as diffusers'
 * {@code save_lora_weights} packs them and {@code load_lora_adapter} unpacks them for the keys under
 * {@code <component>.}.
 *
 * <p>A module's config is its component's (the first segment of its name) when the metadata is per component, else the
 * one config; its name in that config is the module's without the component prefix (diffusers strips it before PEFT
 * sees the keys).
 */
public final class DiffusersMetadata {
    /** The {@code __metadata__} key. */
    public static final String KEY = "lora_adapter_metadata";
    /** Pipeline components whose name prefixes module keys in diffusers files. */
    public static final List<String> COMPONENTS = List.of(
            "unet", "text_encoder", "text_encoder_2", "text_encoder_3", "transformer", "transformer_2", "prior");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Path file;
    private final PeftConfig whole;
    private final Map<String, PeftConfig> perComponent;

    private DiffusersMetadata(Path file, PeftConfig whole, Map<String, PeftConfig> perComponent) {
        this.file = file;
        this.whole = whole;
        this.perComponent = perComponent;
    }

    /**
     * The config(s) of {@code file}'s {@value #KEY}, if it has one.
     *
     * @throws AdapterFormatException naming the file and the metadata key when the entry is not a JSON object or not a
     *                                valid LoRA config
     */
    public static Optional<DiffusersMetadata> of(SafetensorsFile file) {
        return of(file.path(), file.metadata());
    }

    /**
     * The config(s) in the {@code __metadata__} map {@code metadata} of {@code path}, if it has the entry.
     *
     * @throws AdapterFormatException naming the path and the metadata key when the entry is not a valid LoRA config
     */
    public static Optional<DiffusersMetadata> of(Path path, Map<String, String> metadata) {
        String text = metadata.get(KEY);
        if (text == null) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AdapterFormatException(
                    path, "__metadata__ entry '" + KEY + "': invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AdapterFormatException(
                    path,
                    "__metadata__ entry '" + KEY + "': expected a JSON object (a PEFT " + "LoRA config), found "
                            + (root == null ? "nothing" : root.getNodeType()));
        }
        boolean packed = root.size() > 0;
        for (var it = root.fieldNames(); it.hasNext(); ) {
            packed &= it.next().indexOf('.') > 0;
        }
        if (!packed) {
            return Optional.of(new DiffusersMetadata(path, parse(path, root, ""), Map.of()));
        }
        Map<String, ObjectNode> parts = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            int dot = e.getKey().indexOf('.');
            parts.computeIfAbsent(e.getKey().substring(0, dot), k -> JsonNodeFactory.instance.objectNode())
                    .set(e.getKey().substring(dot + 1), e.getValue());
        });
        Map<String, PeftConfig> configs = new LinkedHashMap<>();
        parts.forEach((component, node) -> configs.put(component, parse(path, node, component + ".")));
        return Optional.of(new DiffusersMetadata(path, null, configs));
    }

    private static PeftConfig parse(Path file, JsonNode node, String packedAs) {
        try {
            return PeftConfig.parse(node.toString(), file);
        } catch (AdapterFormatException e) {
            String problem = e.getMessage().startsWith(file + ": ")
                    ? e.getMessage().substring(file.toString().length() + 2)
                    : e.getMessage();
            throw new AdapterFormatException(
                    file,
                    "__metadata__ entry '" + KEY + "'" + (packedAs.isEmpty() ? "" : " (keys " + packedAs + "*)") + ": "
                            + problem);
        }
    }

    /** Whether the metadata holds one config per pipeline component. */
    public boolean perComponent() {
        return whole == null;
    }

    /** The component a module name starts with ({@code unet} of {@code unet.down_blocks.0…}), if any. */
    public static Optional<String> component(String module) {
        int dot = module.indexOf('.');
        return dot > 0 && COMPONENTS.contains(module.substring(0, dot))
                ? Optional.of(module.substring(0, dot))
                : Optional.empty();
    }

    /**
     * The config that governs {@code module}.
     *
     * @throws AdapterFormatException when the metadata is per component and has none for the module's component
     */
    public PeftConfig config(String module, String tensor) {
        if (whole != null) {
            return whole;
        }
        int dot = module.indexOf('.');
        PeftConfig c = dot > 0 ? perComponent.get(module.substring(0, dot)) : null;
        if (c == null) {
            throw AdapterFormatException.tensor(
                    file,
                    tensor,
                    "a config for its component in __metadata__ '" + KEY + "', which " + "has configs for "
                            + perComponent.keySet() + " (module '" + module + "')",
                    "none");
        }
        return c;
    }

    /** The module's name as its config knows it: without the component prefix. */
    public String localName(String module) {
        if (whole == null) {
            return module.substring(module.indexOf('.') + 1);
        }
        return component(module).map(c -> module.substring(c.length() + 1)).orElse(module);
    }

    /** The one config, when the metadata is not per component. */
    public Optional<PeftConfig> whole() {
        return Optional.ofNullable(whole);
    }

    /** The configs per component (empty when the metadata is one config). */
    public Map<String, PeftConfig> components() {
        return Map.copyOf(perComponent);
    }
}
