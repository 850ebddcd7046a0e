package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.lang.AdapterFormatException;

/**
 * Config values read exactly (no wrapped rank, no NaN alpha), patterns that cannot stall, and the LoRA variant keys
 * that change the update refused by name while their defaults keep loading.
 */
class PeftConfigRefusalsTest {
    private static final Path SOURCE = Path.of("x/adapter_config.json");

    private static AdapterFormatException refused(String json, String... fragments) {
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> PeftConfig.parse(json, SOURCE));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void nonFiniteAlphasAreRefusedWithKeyAndValue() {
        refused("{\"lora_alpha\": NaN}", "\"lora_alpha\"", "finite", "NaN");
        refused("{\"lora_alpha\": Infinity}", "\"lora_alpha\"", "Infinity");
        refused("{\"lora_alpha\": -Infinity}", "\"lora_alpha\"", "-Infinity");
        refused("{\"lora_alpha\": 1e400}", "\"lora_alpha\"", "finite");
        refused("{\"alpha_pattern\": {\"q_lin\": NaN}}", "\"alpha_pattern\" entry 'q_lin'", "NaN");
        refused("{\"alpha_pattern\": {\"v_lin\": 4, \"q_lin\": -Infinity}}", "'q_lin'", "-Infinity");
        assertEquals(
                -2.5,
                PeftConfig.parse("{\"lora_alpha\": -2.5}", SOURCE).loraAlpha(),
                "a finite alpha of any sign reads");
    }

    @Test
    void ranksPastTheIntRangeAreRefusedNotWrapped() {
        // 4294967304 = 2^32 + 8: an int conversion reads it as 8
        refused("{\"r\": 4294967304}", "\"r\"", "4294967304", "2147483647");
        refused("{\"r\": 2147483648}", "2147483648");
        refused("{\"r\": -8}", "-8");
        refused("{\"r\": 123456789012345678901234567890}", "123456789012345678901234567890");
        refused("{\"rank_pattern\": {\"q_lin\": 4294967304}}", "\"rank_pattern\" entry 'q_lin'", "4294967304");
        refused("{\"rank_pattern\": {\"q_lin\": 0}}", "'q_lin'", "positive");
        assertEquals(
                Integer.MAX_VALUE,
                PeftConfig.parse("{\"r\": 2147483647}", SOURCE).r());
    }

    @Test
    void patternsRe2CannotMatchAreRefusedNamingTheKey() {
        refused("{\"rank_pattern\": {\"(q)\\\\1\": 4}}", "\"rank_pattern\" entry '(q)\\1'", "backreferences");
        refused("{\"alpha_pattern\": {\"(?<=a)q\": 4}}", "\"alpha_pattern\" entry '(?<=a)q'");
        refused("{\"target_modules\": \"(?!x).*q\"}", "\"target_modules\"", "lookaround");
        refused("{\"exclude_modules\": \"(a\"}", "\"exclude_modules\"");
        refused("{\"target_modules\": 5}", "\"target_modules\"", "list");
    }

    @Test
    void aCatastrophicTargetPatternFinishesInLinearTime() {
        // with a backtracking engine (java.util.regex, Python's re) this runs for minutes on a 40-character name
        PeftConfig c = PeftConfig.parse(
                "{\"target_modules\": \"(.*.*.*.*.*.*.*.*.*.*)*X\", "
                        + "\"rank_pattern\": {\"(.*.*.*.*.*.*.*.*.*.*)*X\": 4}}",
                SOURCE);
        String name = "model.layers.0.self_attn.q_proj.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertFalse(c.targets(name));
            assertEquals(8, c.rankFor(name));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 1.0, "100 matches took " + seconds + " s");
        assertTrue(c.targets(name + "X"));
        assertEquals(4, c.rankFor(name + "X"));
    }

    @Test
    void targetsFollowExcludeLayersAndHeads() {
        PeftConfig c = PeftConfig.parse(
                "{\"target_modules\": [\"q_lin\", \"classifier\"], \"exclude_modules\": [\"layer.1.attention.q_lin\"],"
                        + " \"layers_to_transform\": [0, 1, 3], \"modules_to_save\": [\"classifier\"]}",
                SOURCE);
        assertTrue(c.targets("transformer.layer.0.attention.q_lin"));
        assertFalse(c.targets("transformer.layer.1.attention.q_lin"), "excluded");
        assertFalse(c.targets("transformer.layer.2.attention.q_lin"), "not a transformed layer");
        assertTrue(c.targets("transformer.layer.3.attention.q_lin"));
        assertFalse(c.targets("q_lin"), "no layer index: PEFT skips it when layers_to_transform is set");
        assertFalse(c.targets("head.classifier"), "inside modules_to_save");
        PeftConfig pattern = PeftConfig.parse(
                "{\"target_modules\": [\"q_proj\"], \"layers_to_transform\": 2, " + "\"layers_pattern\": \"layers\"}",
                SOURCE);
        assertTrue(pattern.targets("model.layers.2.self_attn.q_proj"));
        assertFalse(pattern.targets("model.layers.12.self_attn.q_proj"));
        PeftConfig regex =
                PeftConfig.parse("{\"target_modules\": \".*q_lin\", \"exclude_modules\": \".*\\\\.1\\\\..*\"}", SOURCE);
        assertTrue(regex.targets("layer.0.q_lin"));
        assertFalse(regex.targets("layer.1.q_lin"));
    }

    @Test
    void switchesThatChangeTheNumbersMustBeJsonBooleans() {
        // PEFT tests these by Python truthiness: "false" would switch rsLoRA on there, 0 would not
        for (String key : new String[] {"use_rslora", "use_dora", "fan_in_fan_out", "lora_bias"}) {
            for (String value : new String[] {"\"false\"", "\"true\"", "0", "1", "[]", "{\"q_lin\": true}"}) {
                refused("{\"" + key + "\": " + value + "}", "\"" + key + "\"", "true or false", value.replace(" ", ""));
            }
        }
        PeftConfig c = PeftConfig.parse(
                "{\"use_rslora\": true, \"use_dora\": null, \"fan_in_fan_out\": false, \"r\": 16, \"lora_alpha\": 8}",
                SOURCE);
        assertTrue(c.useRslora());
        assertFalse(c.useDora(), "null reads as PEFT's None: off");
        assertEquals(2.0, c.scaleFor("q"), 1e-15, "rsLoRA: 8/√16");
    }

    @Test
    void moduleListsMustHoldNames() {
        refused("{\"modules_to_save\": [1, 2]}", "\"modules_to_save\"", "a list of module names", "[1,2]");
        refused("{\"modules_to_save\": \"classifier\"}", "\"modules_to_save\"", "\"classifier\"");
        refused("{\"modules_to_save\": 0}", "\"modules_to_save\"");
        refused("{\"target_modules\": [\"q_lin\", 3]}", "\"target_modules\"", "[\"q_lin\",3]");
        refused("{\"exclude_modules\": [null]}", "\"exclude_modules\"");
        refused("{\"layers_pattern\": [\"layers\", 1]}", "\"layers_pattern\"");
        refused("{\"layers_to_transform\": true}", "\"layers_to_transform\"", "layer index", "true");
        refused("{\"layers_to_transform\": [0, \"1\"]}", "\"layers_to_transform\"", "[0,\"1\"]");
        refused("{\"layers_to_transform\": 1.5}", "\"layers_to_transform\"");
        PeftConfig.parse(
                "{\"modules_to_save\": null, \"target_modules\": \".*q\", \"exclude_modules\": [],"
                        + " \"layers_pattern\": \"layers\", \"layers_to_transform\": [0, 2]}",
                SOURCE);
    }

    @Test
    void aPeftTypeThatIsNotAStringIsShownAsWritten() {
        refused("{\"peft_type\": [\"LORA\"]}", "[\"LORA\"]");
    }

    @Test
    void variantKeysThatChangeTheUpdateAreRefusedByName() {
        refused(
                "{\"use_bdlora\": {\"target_modules_bd_a\": [\"q_proj\"], \"nblocks\": 2}}",
                "\"use_bdlora\"",
                "nblocks",
                "block-diagonal");
        refused("{\"layer_replication\": [[0, 4], [2, 5]]}", "\"layer_replication\"", "[[0,4],[2,5]]");
        refused("{\"target_parameters\": [\"experts.gate_up_proj\"]}", "\"target_parameters\"");
        refused("{\"trainable_token_indices\": [0, 5]}", "\"trainable_token_indices\"");
        refused("{\"use_qalora\": true}", "\"use_qalora\"", "true");
        refused("{\"alora_invocation_tokens\": [128000]}", "\"alora_invocation_tokens\"");
        refused("{\"arrow_config\": {\"top_k\": 3}}", "\"arrow_config\"");
        refused("{\"kasa_config\": {\"beta\": 1}}", "\"kasa_config\"");
        refused("{\"monteclora_config\": {\"num_samples\": 4}}", "\"monteclora_config\"");
        refused("{\"velora_config\": {\"num_groups\": 4}}", "\"velora_config\"");
        for (String init : new String[] {"pissa", "pissa_niter_4", "olora", "corda", "loftq", "lora_ga"}) {
            refused("{\"init_lora_weights\": \"" + init + "\"}", "\"init_lora_weights\"", init, "base");
        }
    }

    @Test
    void variantKeysAtTheirDefaultsLoad() {
        for (String json : new String[] {
            "{\"use_bdlora\": null, \"layer_replication\": null, \"target_parameters\": null, \"use_qalora\": false,"
                    + " \"trainable_token_indices\": null, \"alora_invocation_tokens\": null, \"arrow_config\": null,"
                    + " \"kasa_config\": null, \"monteclora_config\": null, \"velora_config\": null, \"loftq_config\": {},"
                    + " \"qalora_group_size\": 16, \"init_lora_weights\": true}",
            "{\"layer_replication\": [], \"target_parameters\": [], \"trainable_token_indices\": {}, \"use_bdlora\": {}}",
            "{\"init_lora_weights\": \"gaussian\"}",
            "{\"init_lora_weights\": false}",
            "{\"init_lora_weights\": \"eva\", \"eva_config\": {\"rho\": 2.0}}",
            "{\"init_lora_weights\": \"orthogonal\"}"
        }) {
            PeftConfig.parse(json, SOURCE);
        }
    }

    @Test
    void theRealPeft020ConfigWithManyDefaultKeysLoads() throws IOException {
        Path config = Path.of("../examples/adapters/distilbert-emotion/adapter_config.json");
        PeftConfig c = PeftConfig.parse(Files.readString(config), config);
        assertEquals(8, c.r());
        assertTrue(c.targets("distilbert.transformer.layer.5.attention.v_lin"));
    }
}
