package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lora squeeze}'s outputs as PEFT's own loader reads them ({@code kernel/src/test/python/peft_squeeze_parity.py}):
 * rank_pattern and alpha_pattern included, each module the cut of PEFT's own update of the original, heads unchanged.
 */
class PeftSqueezeParityIT {
    @TempDir
    Path tmp;

    /** The verdicts on {@code adapters}; outputs already in {@code work} are judged as they are. */
    private Map<String, JsonNode> verdicts(Path work, List<String> adapters) throws Exception {
        return PeftPython.adapterVerdicts(
                tmp, "peft_squeeze_parity.py", List.of("--work", work.toString(), "--reuse"), adapters);
    }

    @Test
    void peftReadsSqueezedAdaptersAsTheCutOfItsOwnUpdate() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("squeeze"));
        Map<String, JsonNode> verdicts = verdicts(work, PeftPython.REAL_ADAPTERS);
        verdicts.forEach((name, v) -> assertTrue(v.path("ok").asBoolean(), name + ": " + v));
        assertEquals(2, verdicts.get("distilbert-imdb").path("heads").asInt(), "heads: " + verdicts);
        assertEquals(36, verdicts.get("gpt2-tigrinya").path("modules").asInt(), "modules: " + verdicts);
        // an alpha_pattern entry doubled: PEFT's update of that module is twice the cut
        Path config = work.resolve("distilbert-imdb-e08/adapter_config.json");
        ObjectNode c = (ObjectNode) PeftPython.JSON.readTree(config.toFile());
        ObjectNode alphas = (ObjectNode) c.path("alpha_pattern");
        String first = alphas.fieldNames().next();
        alphas.put(first, alphas.path(first).asDouble() * 2);
        PeftPython.JSON.writeValue(config.toFile(), c);
        JsonNode damaged = verdicts(work, List.of("distilbert-imdb")).get("distilbert-imdb");
        assertTrue(
                !damaged.path("ok").asBoolean()
                        && damaged.path("r3").path("error").asDouble() <= 1e-5
                        && Math.abs(damaged.path("e08").path("error").asDouble() - 1) < 1e-3,
                "a doubled alpha_pattern entry (" + first + ") is a difference of 1 there: " + damaged);
    }
}
