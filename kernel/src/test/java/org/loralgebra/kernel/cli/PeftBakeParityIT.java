package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lora bake} against PEFT's own {@code merge_and_unload} ({@code kernel/src/test/python/peft_bake_parity.py}):
 * three real adapters baked into config-built base models change them as PEFT does, heads included.
 */
class PeftBakeParityIT {
    @TempDir
    Path tmp;

    private Map<String, JsonNode> verdicts(String run, String... bakeArgs) throws Exception {
        Path work = Files.createDirectories(tmp.resolve(run));
        List<String> args = new ArrayList<>(List.of("--work", work.toString()));
        for (String arg : bakeArgs) {
            args.add("--bake-arg=" + arg);
        }
        return PeftPython.adapterVerdicts(tmp, "peft_bake_parity.py", args, PeftPython.REAL_ADAPTERS);
    }

    @Test
    void loraBakeChangesTheBaseAsPeftsMergeAndUnloadDoes() throws Exception {
        // the LoRA modules and the saved heads (pre_classifier, classifier: weight and bias): 12 + 4 on DistilBERT;
        // c_attn and both c_proj of GPT-2's 12 blocks (Conv1D, stored transposed: fan_in_fan_out)
        Map<String, Integer> changed = Map.of("distilbert-imdb", 16, "distilbert-emotion", 16, "gpt2-tigrinya", 36);
        verdicts("as-is").forEach((name, v) -> {
            assertTrue(v.path("ok").asBoolean(), name + ": " + v);
            assertEquals(changed.get(name).intValue(), v.path("changed").asInt(), name + ": " + v);
        });
        // the judge fails a bake at twice the adapter's scale (lora_alpha 32 for 16)
        JsonNode doubled = verdicts("alpha", "--alpha=32").get("distilbert-imdb");
        assertTrue(
                !doubled.path("ok").asBoolean()
                        && Math.abs(doubled.path("error").asDouble() - 1) < 1e-3,
                "a doubled scale is a difference of 1 (PEFT's change): " + doubled);
    }
}
