package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/**
 * Written {@code target_modules} select exactly the written modules under PEFT's rule, whatever the order of the
 * inputs: the Stable Diffusion UNet {@code to_out.0} case, a property over random module sets, and the real
 * adapters' configs, which stay byte for byte when nothing changes.
 */
class TargetModulesTest {
    private static final String BLOCK = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.";

    @TempDir
    Path tmp;

    /** A hand-made PEFT folder of a UNet adapter on to_q/to_k/to_v/to_out.0 of the given attention blocks. */
    private Path unet(String name, long seed, String targets, String... blocks) {
        Map<String, TestFiles.Raw> tensors = new LinkedHashMap<>();
        long s = seed;
        for (String block : blocks) {
            for (String m : List.of("to_q", "to_k", "to_v", "to_out.0")) {
                tensors.put("base_model.model." + block + m + ".lora_A.weight", TestFiles.randomF32(s++, 4, 8));
                tensors.put("base_model.model." + block + m + ".lora_B.weight", TestFiles.randomF32(s++, 8, 4));
            }
        }
        Path dir = tmp.resolve(name);
        TestFiles.write(dir.resolve(PeftFolder.WEIGHTS), TestFiles.safetensors(tensors, Map.of("format", "pt")));
        TestFiles.write(
                dir.resolve(PeftFolder.CONFIG),
                "{\"peft_type\": \"LORA\", \"r\": 4, \"lora_alpha\": 4, " + "\"target_modules\": " + targets + "}");
        return dir;
    }

    private static Set<String> ancestorsAndOthers(Set<String> written, Set<String> others) {
        return ConfigFit.decoys(written, others);
    }

    @Test
    void theUnetToOutCaseInBothArgumentOrders() {
        Path a = unet(
                "a",
                1,
                "[\"to_k\", \"to_q\", \"to_v\", \"to_out.0\"]",
                BLOCK,
                "up_blocks.1.attentions.2.transformer_blocks.0.attn2.");
        // b's regex covers only its own (down) blocks: with b first, the old refit wrote last segments, "0" among them
        Path b = unet("b", 100, "\"down_blocks.*\\\\.(to_q|to_k|to_v|to_out\\\\.0)\"", BLOCK);
        Adapter ab = Lora.load(a).plus(Lora.load(b));
        Adapter ba = Lora.load(b).plus(Lora.load(a));
        ab.save(tmp.resolve("ab").toString());
        ba.save(tmp.resolve("ba").toString());
        PeftConfig cab =
                Lora.load(tmp.resolve("ab")).source().orElseThrow().meta().config();
        PeftConfig cba =
                Lora.load(tmp.resolve("ba")).source().orElseThrow().meta().config();
        assertEquals(List.of("to_k", "to_out.0", "to_q", "to_v"), cab.targetModules());
        assertEquals(cab.targetModules(), cba.targetModules(), "independent of the argument order");
        Set<String> written = ab.type().names();
        for (PeftConfig c : List.of(cab, cba)) {
            written.forEach(m -> assertTrue(c.targets(m), m));
            for (String d : List.of(
                    "down_blocks.0",
                    "down_blocks.0.attentions.0",
                    BLOCK + "to_out",
                    "up_blocks.1.resnets.0",
                    "mid_block.attentions.0.proj_out.0")) {
                assertFalse(c.targets(d), d + " must not be selected by " + c.targetModules());
            }
        }
    }

    @Test
    void aPropertyOverRandomModuleSets() {
        List<String> universe = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String m : List.of("to_q", "to_k", "to_v", "to_out.0", "proj_out", "ff.net.0.proj", "ff.net.2")) {
                universe.add("down_blocks." + i + ".attentions.0.transformer_blocks.0.attn1." + m);
                universe.add("up_blocks." + i + ".attentions.1." + m);
            }
            for (String m : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                universe.add("model.layers." + i + ".self_attn." + m);
                universe.add("model.layers." + (i + 10) + ".self_attn." + m);
            }
            universe.add("model.layers." + i + ".mlp.down_proj");
        }
        universe.add("lm_head");
        Random random = new Random(20261206);
        PeftConfig template = PeftConfig.parse(
                "{\"r\": 8, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"], " + "\"layers_to_transform\": [0]}",
                null);
        for (int trial = 0; trial < 300; trial++) {
            List<ConfigFit.Module> modules = new ArrayList<>();
            Set<String> written = new TreeSet<>();
            for (String name : universe) {
                if (random.nextInt(3) == 0) {
                    written.add(name);
                    modules.add(
                            new ConfigFit.Module(ModuleSpec.linear(name, 8, 8, 1 + random.nextInt(3), DType.F32), 1.0));
                }
            }
            if (modules.isEmpty()) {
                continue;
            }
            Set<String> others = new TreeSet<>(universe);
            others.removeAll(written);
            others.add("0"); // a top-level list element of the base model
            PeftConfig fitted = ConfigFit.fit(template, modules, others);
            PeftConfig reread = PeftConfig.parse(fitted.toJson(), null);
            for (String m : written) {
                assertTrue(
                        reread.targets(m), "trial " + trial + ": " + m + " not selected by " + reread.targetModules());
            }
            for (String d : ancestorsAndOthers(written, others)) {
                assertFalse(
                        reread.targets(d),
                        "trial " + trial + ": decoy " + d + " selected by " + reread.targetModules());
            }
            List<ConfigFit.Module> shuffled = new ArrayList<>(modules);
            Collections.shuffle(shuffled, random);
            assertEquals(
                    fitted.toJson(), ConfigFit.fit(template, shuffled, others).toJson(), "trial " + trial);
            assertTrue(
                    reread.targetModules().stream().noneMatch(t -> t.chars().allMatch(Character::isDigit)),
                    "no bare list index: " + reread.targetModules());
        }
    }

    @Test
    void canonicalListsAreShortSuffixes() {
        assertEquals(
                List.of("q_lin", "v_lin"),
                ConfigFit.targetModules(
                        List.of("t.layer.0.attention.q_lin", "t.layer.1.attention.q_lin", "t.layer.0.attention.v_lin"),
                        Set.of(
                                "t",
                                "t.layer",
                                "t.layer.0",
                                "t.layer.1",
                                "t.layer.0.attention",
                                "t.layer.1.attention")));
        assertEquals(
                List.of("layer.0.attention.q_lin"),
                ConfigFit.targetModules(
                        List.of("t.layer.0.attention.q_lin"),
                        ConfigFit.decoys(Set.of("t.layer.0.attention.q_lin"), Set.of("t.layer.1.attention.q_lin"))),
                "the number is kept with the segment before it");
        assertEquals(
                List.of("to_out.0"),
                ConfigFit.targetModules(List.of("to_out.0"), Set.of()),
                "never a bare list index, even with no decoy");
    }

    @Test
    void aSelectionOfLayersNamesThemSoThatTheOthersAreNotTargeted() {
        Adapter imdb = Lora.load(Path.of("../examples/adapters/distilbert-imdb"));
        Adapter first = imdb.layers(0, 1).select("q_lin").truncate(Rank.of(4));
        first.save(tmp.resolve("sel").toString());
        PeftConfig c =
                Lora.load(tmp.resolve("sel")).source().orElseThrow().meta().config();
        assertEquals(List.of("layer.0.attention.q_lin", "layer.1.attention.q_lin"), c.targetModules());
        for (String m : imdb.type().names()) {
            assertEquals(first.type().names().contains(m), c.targets(m), m);
        }
    }

    @Test
    void headsLeftOutOfACombinationLeaveModulesToSave() {
        Adapter imdb = Lora.load(Path.of("../examples/adapters/distilbert-imdb"));
        Adapter emotion = Lora.load(Path.of("../examples/adapters/distilbert-emotion"));
        imdb.plus(emotion).save(tmp.resolve("both").toString());
        StoredAdapter both =
                (StoredAdapter) Lora.load(tmp.resolve("both")).source().orElseThrow();
        assertTrue(
                both.meta().extras().isEmpty(),
                "the two heads differ: " + both.meta().extras().keySet());
        List<String> heads = both.meta().config().modulesToSave();
        assertFalse(heads.contains("classifier") || heads.contains("pre_classifier"), heads.toString());

        imdb.plus(imdb.times(0.5)).save(tmp.resolve("same").toString());
        PeftConfig same =
                Lora.load(tmp.resolve("same")).source().orElseThrow().meta().config();
        assertEquals(
                imdb.source().orElseThrow().meta().config().modulesToSave(),
                same.modulesToSave(),
                "heads that are written stay listed");
    }
}
