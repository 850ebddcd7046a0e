package org.loralgebra.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.loralgebra.lang.AdapterFormatException;

/**
 * The keys of PEFT's {@code LoraConfig} under which the stored factors no longer mean {@code ΔW = scale·B·A}
 * relative to the unchanged base model. Each is honoured or refused by name, never loaded and ignored.
 *
 * <p>Honoured elsewhere: {@code use_rslora} (scale {@code alpha/√r}), {@code use_dora} (magnitude vectors carried;
 * operations that cannot keep them refuse), {@code lora_bias} (bias vectors carried), {@code fan_in_fan_out},
 * {@code rank_pattern} / {@code alpha_pattern}, {@code modules_to_save} (heads carried as extra tensors), and
 * initialisations that leave the base model alone ({@code true}, {@code false}, {@code "gaussian"},
 * {@code "orthogonal"}, {@code "eva"}, {@code "mica"}: after training ΔW is still {@code B·A}).
 *
 * <p>Refused when set (a key at its default, {@code null}, {@code false}, {@code {}} or {@code []}, loads as PEFT
 * 0.20 writes it): {@code use_bdlora} (block-diagonal factors stored compactly), {@code layer_replication} (the
 * module names refer to a model with duplicated layers), {@code target_parameters} (LoRA on 3-D expert weights,
 * ranks interleaved per expert), {@code trainable_token_indices} (embedding rows trained apart from LoRA),
 * {@code use_qalora} (A acts on group-pooled inputs), {@code alora_invocation_tokens} (active only after the
 * invocation tokens), {@code arrow_config} (a router over adapters), {@code kasa_config} (a diagonal between B and
 * A, and a base with its smallest singular components removed), {@code monteclora_config},
 * {@code velora_config}, and {@code init_lora_weights} of {@code "pissa…"}, {@code "olora"}, {@code "corda"},
 * {@code "loftq"} or {@code "lora_ga"}: those rewrite the base weights, so ΔW is relative to a base that is not
 * the published one (PEFT's conversion on save resets the key to {@code true}).
 */
final class LoraVariantKeys {
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        REFUSED.put(
                "use_bdlora", "block-diagonal LoRA: A or B is stored as blocks that expand to a block-diagonal factor");
        REFUSED.put("layer_replication", "the module names refer to a model whose layers are replicated");
        REFUSED.put("target_parameters", "LoRA on 3-D parameters (expert weights), ranks interleaved per expert");
        REFUSED.put("trainable_token_indices", "embedding rows trained besides the LoRA factors");
        REFUSED.put("use_qalora", "QA-LoRA: lora_A acts on group-pooled inputs, so ΔW is not B·A");
        REFUSED.put("alora_invocation_tokens", "activated LoRA: the update applies only after the invocation tokens");
        REFUSED.put("arrow_config", "Arrow routing over several task adapters");
        REFUSED.put("kasa_config", "KaSA: a diagonal between B and A, and a base with singular components removed");
        REFUSED.put("monteclora_config", "MonteCLoRA: sampled factors");
        REFUSED.put("velora_config", "VeLoRA: a variant LoRAlgebra does not read");
    }

    private static final Set<String> BASE_REWRITING_INITS = Set.of("olora", "corda", "loftq", "lora_ga", "pissa");

    private LoraVariantKeys() {}

    /**
     * Refuses the first key of {@code config} that is set and changes the update's meaning.
     *
     * @throws AdapterFormatException naming the key, the value found and what was expected
     */
    static void check(ObjectNode config, Path source) {
        for (Map.Entry<String, String> e : REFUSED.entrySet()) {
            JsonNode v = config.get(e.getKey());
            if (isSet(v)) {
                throw new AdapterFormatException(
                        source,
                        "adapter config \"" + e.getKey() + "\": found " + ConfigValues.abbreviated(v)
                                + " (" + e.getValue()
                                + "); LoRAlgebra does not compute this variant and will not load it as plain "
                                + "LoRA. Expected it absent or at its default (null, false, {} or [])");
            }
        }
        JsonNode init = config.get("init_lora_weights");
        if (init != null && init.isTextual()) {
            String name = init.textValue();
            if (BASE_REWRITING_INITS.contains(name) || name.startsWith("pissa_niter_")) {
                throw new AdapterFormatException(
                        source,
                        "adapter config \"init_lora_weights\": found \"" + name
                                + "\", an initialisation that rewrites the base model's weights, so the update is relative to "
                                + "a modified base. Expected true, false, \"gaussian\", \"orthogonal\", \"eva\" or \"mica\" (save "
                                + "with PEFT's path_initial_model_for_weight_conversion to get a plain LoRA of the original base)");
            }
        }
    }

    private static boolean isSet(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            return !v.textValue().isEmpty();
        }
        if (v.isContainerNode()) {
            return !v.isEmpty();
        }
        return !v.isNumber() || v.asDouble() != 0;
    }
}
