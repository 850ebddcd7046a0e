package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Lora;

/**
 * {@code --json} on the verbs that write an adapter: exactly one JSON object on standard output, whose ranks are those
 * of the adapter read back from disk.
 */
class WrittenAdapterJsonTest {
    @TempDir
    Path tmp;

    private static final String IMDB = CliRun.adapter("distilbert-imdb").toString();
    private static final String EMOTION = CliRun.adapter("distilbert-emotion").toString();

    @Test
    void mergeClusterAndSqueezeReportWhatTheyWroteAsOneJsonObject() throws Exception {
        check("merge", "cat", 2, tmp.resolve("merged"), "merge", "--method", "cat", IMDB, EMOTION);
        check("cluster", null, 2, tmp.resolve("lego"), "cluster", "--k", "4", IMDB, EMOTION);
        check("squeeze", null, 1, tmp.resolve("small"), "squeeze", "--rank", "3", IMDB);
    }

    @Test
    void aDenseMergeReportsItsRandomizedTopKSvds() throws Exception {
        Path out = tmp.resolve("ties");
        JsonNode json = check(
                "merge", "ties_svd", 2, out, "merge", "--method", "ties_svd", "-d", "0.5", "-r", "8", IMDB, EMOTION);
        JsonNode top = json.get("top_svd");
        // DistilBERT's 768×768 modules at rank 8: every module's top-k SVD is randomized (or falls back, counted)
        assertEquals(
                json.get("modules").asInt(),
                top.get("randomized").asInt() + top.get("exact_fallback").asInt(),
                json.toString());
        assertTrue(top.get("randomized").asInt() > 0, "some met the residual check: " + top);
        assertTrue(top.get("worst_residual").asDouble() <= 1e-5, "accepted residuals ≤ 1e-5: " + top);
        assertTrue(
                !check("merge", "cat", 2, tmp.resolve("cat"), "merge", "--method", "cat", IMDB, EMOTION)
                        .has("top_svd"),
                "a factored merge runs none");
    }

    private static JsonNode check(String verb, String method, int inputs, Path out, String... args) throws Exception {
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-o";
        all[args.length + 1] = out.toString();
        all[args.length + 2] = "--json";
        CliRun run = CliRun.of(all);
        assertEquals(ExitCodes.OK, run.status(), run.err());
        JsonNode json = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(run.out()); // one JSON object and nothing else
        assertEquals(out.toString(), json.get("output").asText());
        assertEquals(verb, json.get("verb").asText());
        assertEquals(method, json.has("method") ? json.get("method").asText() : null);
        assertEquals(inputs, json.get("inputs").asInt());
        Map<String, Integer> saved = new TreeMap<>();
        Lora.load(out).type().modules().forEach((name, spec) -> saved.put(name, spec.rank()));
        Map<String, Integer> reported = new TreeMap<>();
        json.get("ranks")
                .fields()
                .forEachRemaining(e -> reported.put(e.getKey(), e.getValue().asInt()));
        assertEquals(saved, reported, verb + ": the ranks read back from " + out);
        assertEquals(saved.size(), json.get("modules").asInt());
        return json;
    }
}
