package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static void check(String verb, String method, int inputs, Path out, String... args) throws Exception {
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
    }
}
