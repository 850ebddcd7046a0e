package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/** The config saved with a set of modules gives each its rank and scale under PEFT's rules, and stays tidy. */
class ConfigFitTest {
    private static ConfigFit.Module linear(String name, int rank, double scale) {
        return new ConfigFit.Module(ModuleSpec.linear(name, 16, 12, rank, DType.F32), scale);
    }

    private static ConfigFit.Module with(
            String name, int rank, double scale, boolean fifo, boolean dora, boolean bias) {
        return new ConfigFit.Module(
                new ModuleSpec(name, ModuleKind.LINEAR, 16, 12, rank, DType.F32, new long[0], fifo, dora, bias), scale);
    }

    /** Every module resolves, in the fitted config and in that config printed and parsed again (keys sorted). */
    private static void assertResolves(PeftConfig c, List<ConfigFit.Module> modules) {
        for (PeftConfig config : List.of(c, PeftConfig.parse(c.toJson(), null))) {
            for (ConfigFit.Module m : modules) {
                assertEquals(m.spec().rank(), config.rankFor(m.name()), m.name());
                assertEquals(m.scale(), config.scaleFor(m.name()), 2 * Math.ulp(m.scale()), m.name());
            }
        }
    }

    @Test
    void keepsATemplateThatAlreadyResolvesEveryModule() {
        PeftConfig t =
                PeftConfig.parse("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q\", \"v\"], \"x\": 1}", null);
        List<ConfigFit.Module> ms = List.of(linear("l.0.q", 8, 2.0), linear("l.0.v", 8, 2.0));
        assertSame(t, ConfigFit.fit(t, ms));
    }

    @Test
    void aModuleInsideAModulesToSaveEntryIsRefusedNamingBoth() {
        // PEFT puts no LoRA inside a modules_to_save entry, so no target_modules could select this module
        PeftConfig t = PeftConfig.parse(
                "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q\"], \"modules_to_save\": [\"8\"]}", null);
        List<ConfigFit.Module> ms = List.of(linear("layers.7.q", 8, 2.0), linear("layers.8.q", 8, 2.0));
        AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> ConfigFit.fit(t, ms));
        assertTrue(e.getMessage().contains("'layers.8.q'") && e.getMessage().contains("'8'"), e.getMessage());
        assertResolves(ConfigFit.fit(t, ms.subList(0, 1)), ms.subList(0, 1));
    }

    @Test
    void mostCommonRankAndAlphaWithPatternsForTheRest() {
        PeftConfig t = PeftConfig.parse(
                "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q\", \"v\", \"mlp\"], "
                        + "\"rank_pattern\": {\"stale\": 3}, \"custom_key\": [1, 2]}",
                null);
        List<ConfigFit.Module> ms = List.of(
                linear("l.0.q", 4, 2.0), linear("l.0.v", 4, 2.0), linear("l.1.q", 4, 0.5), linear("l.1.mlp", 2, 2.0));
        PeftConfig c = ConfigFit.fit(t, ms);
        assertEquals(4, c.r());
        assertEquals(8.0, c.loraAlpha(), "alpha 8 (scale 2 at rank 4) is the most common");
        assertEquals(Map.of("l.1.mlp", 2), c.rankPattern());
        assertEquals(Map.of("l.1.q", 2.0, "l.1.mlp", 4.0), c.alphaPattern());
        assertEquals(List.of("mlp", "q", "v"), c.targetModules(), "canonical: sorted shortest suffixes");
        assertEquals("[1,2]", c.get("custom_key").orElseThrow().toString(), "unknown keys kept");
        assertTrue(c.toJson().contains("\"lora_alpha\": 8,"), c.toJson());
        assertResolves(c, ms);
    }

    @Test
    void tiesGoToTheSmallerValue() {
        List<ConfigFit.Module> ms = List.of(linear("a", 4, 1.0), linear("b", 2, 1.0));
        PeftConfig c = ConfigFit.fit(PeftConfig.lora(8, 8, null), ms);
        assertEquals(2, c.r());
        assertEquals(2.0, c.loraAlpha());
        assertEquals(Map.of("a", 4), c.rankPattern());
        assertEquals(Map.of("a", 4.0), c.alphaPattern());
        assertResolves(c, ms);
    }

    @Test
    void rsloraAlphasAreScaleTimesRootRankAndTidy() {
        PeftConfig t = PeftConfig.parse(
                "{\"r\": 8, \"lora_alpha\": 16, \"use_rslora\": true, \"target_modules\": [\"q\"]}", null);
        double s8 = 16 / Math.sqrt(8);
        List<ConfigFit.Module> ms = List.of(linear("a.q", 8, s8), linear("b.q", 8, s8), linear("c.q", 2, 0.5));
        assertSame(t, ConfigFit.fit(t, ms.subList(0, 2)));
        PeftConfig c = ConfigFit.fit(t, ms);
        assertEquals(16.0, c.loraAlpha(), "16, not 15.999999999999998");
        assertTrue(c.toJson().contains("\"lora_alpha\": 16,"));
        assertEquals(Map.of("c.q", 2), c.rankPattern());
        assertEquals(0.5 * Math.sqrt(2), c.alphaPattern().get("c.q"), 1e-15);
        assertResolves(c, ms);
    }

    @Test
    void targetModulesBecomeTheLastNameSegmentsWhenTheTemplateMissesAModule() {
        PeftConfig t = PeftConfig.parse("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"c_attn\"]}", null);
        List<ConfigFit.Module> ms = List.of(
                linear("h.0.attn.c_attn", 8, 2.0), linear("h.0.mlp.c_proj", 8, 2.0), linear("h.0.attn.c_proj", 8, 2.0));
        PeftConfig c = ConfigFit.fit(t, ms);
        assertEquals(List.of("c_attn", "c_proj"), c.targetModules());
        assertEquals(8, c.r());
        assertTrue(c.rankPattern().isEmpty() && c.alphaPattern().isEmpty());
        for (ConfigFit.Module m : ms) {
            assertTrue(c.targets(m.name()));
        }
    }

    @Test
    void patternKeysAreEscapedWhenAsRegexesTheyWouldMatchAnotherModule() {
        List<ConfigFit.Module> ms = new ArrayList<>(List.of(
                linear("layer.1.q", 2, 1.0),
                linear("layerX1Yq", 8, 1.0),
                linear("other", 8, 1.0),
                linear("p(x)", 4, 1.0)));
        PeftConfig c = ConfigFit.fit(PeftConfig.lora(8, 8, null), ms);
        assertEquals(Map.of("layer\\.1\\.q", 2, "p\\(x\\)", 4), c.rankPattern());
        assertResolves(c, ms);
        List<ConfigFit.Module> plain =
                List.of(linear("layer.1.q", 2, 1.0), linear("layer.2.q", 8, 1.0), linear("layer.3.q", 8, 1.0));
        assertEquals(
                Map.of("layer.1.q", 2),
                ConfigFit.fit(PeftConfig.lora(8, 8, null), plain).rankPattern(),
                "full names as PEFT writes them when unambiguous");
    }

    @Test
    void flagsFollowTheModules() {
        PeftConfig t = PeftConfig.parse("{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q\"]}", null);
        PeftConfig c = ConfigFit.fit(t, List.of(with("a.q", 8, 2.0, true, true, true)));
        assertTrue(c.useDora() && c.loraBias() && c.fanInFanOut(), c.toJson());
        AdapterTypeException dora = assertThrows(
                AdapterTypeException.class,
                () -> ConfigFit.fit(t, List.of(with("a.q", 8, 2.0, false, true, false), linear("b.q", 8, 2.0))));
        assertTrue(
                dora.getMessage().contains("'a.q'")
                        && dora.getMessage().contains("'b.q'")
                        && dora.getMessage().contains("use_dora"),
                dora.getMessage());
        AdapterTypeException fifo = assertThrows(
                AdapterTypeException.class,
                () -> ConfigFit.fit(t, List.of(with("a.q", 8, 2.0, true, false, false), linear("b.q", 8, 2.0))));
        assertTrue(fifo.getMessage().contains("fan_in_fan_out"), fifo.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigFit.fit(t, List.of()));
    }
}
