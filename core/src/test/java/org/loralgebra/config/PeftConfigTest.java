package org.loralgebra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.AdapterFormatException;

/** PEFT's per-module rank/alpha rules, target matching, validation and the saved text. */
class PeftConfigTest {
    private static final Path SOURCE = Path.of("some/adapter_config.json");

    private static PeftConfig parse(String json) {
        return PeftConfig.parse(json, SOURCE);
    }

    @Test
    void patternsApplyToNamesEndingInTheirKeyAtADot() {
        PeftConfig c =
                parse("{\"r\": 8, \"lora_alpha\": 16, \"rank_pattern\": {\"q_lin\": 4, \"layer.1.attention.v_lin\": 2},"
                        + " \"alpha_pattern\": {\"v_lin\": 8}}");
        String q0 = "distilbert.transformer.layer.0.attention.q_lin";
        String v1 = "distilbert.transformer.layer.1.attention.v_lin";
        String v0 = "distilbert.transformer.layer.0.attention.v_lin";
        assertEquals(4, c.rankFor(q0));
        assertEquals(16.0, c.alphaFor(q0));
        assertEquals(16.0 / 4, c.scaleFor(q0));
        assertEquals(2, c.rankFor(v1));
        assertEquals(8.0 / 2, c.scaleFor(v1));
        assertEquals(8, c.rankFor(v0));
        assertEquals(8.0 / 8, c.scaleFor(v0));
        assertEquals(8, c.rankFor("transformer.xq_lin"), "a key matches whole name segments only");
        assertEquals(8, c.rankFor("q_lin.extra"), "and only at the end");
        assertEquals(4, c.rankFor("q_lin"));
    }

    @Test
    void theFirstMatchingKeyInFileOrderWins() {
        PeftConfig c = parse("{\"r\": 8, \"rank_pattern\": {\"attention.q_lin\": 2, \"q_lin\": 4}}");
        assertEquals(2, c.rankFor("layer.0.attention.q_lin"));
        assertEquals(4, c.rankFor("layer.0.ffn.q_lin"));
        assertEquals(
                List.of("attention.q_lin", "q_lin"), List.copyOf(c.rankPattern().keySet()));
    }

    @Test
    void rsloraScalesByTheSquareRootOfTheRank() {
        PeftConfig c = parse("{\"r\": 16, \"lora_alpha\": 8, \"use_rslora\": true}");
        assertEquals(8 / 4.0, c.scaleFor("m"));
        assertEquals(8 / Math.sqrt(3), PeftConfig.scale(8, 3, true));
    }

    @Test
    void defaultsArePefts() {
        PeftConfig c = parse("{}");
        assertEquals(8, c.r());
        assertEquals(8.0, c.loraAlpha());
        assertFalse(c.useDora() || c.useRslora() || c.fanInFanOut() || c.loraBias());
        assertTrue(c.baseModel().isEmpty());
    }

    @Test
    void targetsFollowPeftsMatching() {
        PeftConfig list = parse("{\"target_modules\": [\"q_lin\", \"attn.c_proj\"]}");
        assertTrue(list.targets("distilbert.layer.0.q_lin"));
        assertTrue(list.targets("q_lin"));
        assertTrue(list.targets("h.0.attn.c_proj"));
        assertFalse(list.targets("h.0.mlp.c_proj"));
        assertFalse(list.targets("xq_lin"));
        PeftConfig regex = parse("{\"target_modules\": \".*\\\\.(q|v)_lin\"}");
        assertTrue(regex.targets("layer.0.q_lin"));
        assertFalse(regex.targets("q_lin"), "a regex must match the whole name");
        assertFalse(parse("{}").targets("q_lin"));
        assertFalse(parse("{\"target_modules\": null}").targets("q_lin"));
    }

    @Test
    void keepsItsTextUntilEdited() {
        String text = "{\r\n  \"r\": 8,\r\n  \"zzz_unknown\": {\"a\": [1, 2.5]}\r\n}";
        PeftConfig c = parse(text);
        assertEquals(text, c.text());
        assertSame(c, c.with(n -> n.put("r", 8)), "an edit that changes nothing keeps the config");
        PeftConfig edited = c.with(n -> n.put("r", 4));
        assertEquals(
                "{\n  \"r\": 4,\n  \"zzz_unknown\": {\n    \"a\": [\n      1,\n      2.5\n    ]\n  }\n}",
                edited.text());
        assertEquals(List.of("r", "zzz_unknown"), edited.keys());
    }

    @Test
    void readsPythonsNaNAndABom() {
        PeftConfig c = parse("\uFEFF{\"lora_dropout\": NaN, \"r\": 4}");
        assertEquals(4, c.r());
        assertTrue(c.toJson().contains("\"lora_dropout\": NaN"));
    }

    @Test
    void rejectsWhatIsNotALoraConfig() {
        assertRejected("{\"peft_type\": \"PREFIX_TUNING\"}", "PREFIX_TUNING", "LORA");
        assertRejected("{\"r\": \"8\"}", "\"r\"", "integer", "\"8\"");
        assertRejected("{\"r\": 8.5}", "\"r\"", "8.5");
        assertRejected("{\"r\": 0}", "\"r\"", "positive");
        assertRejected("{\"lora_alpha\": \"16\"}", "\"lora_alpha\"", "number");
        assertRejected("{\"rank_pattern\": {\"q\": \"4\"}}", "rank_pattern", "'q'", "integer");
        assertRejected("{\"rank_pattern\": {\"q\": 4.5}}", "rank_pattern", "'q'", "integer");
        assertRejected("{\"alpha_pattern\": {\"q(\": 4}}", "alpha_pattern", "'q('", "pattern");
        assertRejected("{\"rank_pattern\": [1]}", "rank_pattern", "object");
        assertRejected("{\"r\": 8,", "invalid JSON");
        assertRejected("[1]", "JSON object");
        assertRejected("{\"r\": 8, \"r\": 4}", "invalid JSON", "Duplicate");
    }

    @Test
    void aMinimalLoraConfig() {
        PeftConfig c = PeftConfig.lora(4, 16, "gpt2");
        assertEquals(4, c.r());
        assertEquals(16.0, c.loraAlpha());
        assertTrue(c.toJson().contains("\"lora_alpha\": 16,"), "integral alpha printed as an integer");
        assertEquals("gpt2", c.baseModel().orElseThrow());
    }

    private static void assertRejected(String json, String... fragments) {
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith(SOURCE.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
