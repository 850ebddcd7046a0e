package org.loralgebra.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.analysis.SubspaceSimilarity;

/**
 * The Spark path equals the single-machine path row for row (the same doubles) on a generated hub of 200 adapters
 * in local[2], and both equal independent dense references: singular values of the dense update (Jacobi, double),
 * the cosine of the dense updates, and {@link SubspaceSimilarity}.
 */
class SparkHubTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 200;

    @TempDir
    static Path dir;

    static JavaSparkContext sc;
    static GeneratedHub hub;

    @BeforeAll
    static void start() throws IOException {
        hub = new GeneratedHub(dir, N);
        sc = SparkHub.context("local[2]", "SparkHubTest");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void statsOnSparkEqualTheSingleMachineAndTheDenseSpectra() throws IOException {
        HubTables local = HubAnalysis.stats(hub.paths);
        HubTables spark = SparkHub.collect(new SparkHub(sc).stats(hub.paths));
        assertEquals(local.sorted("modules"), spark.sorted("modules"));
        assertEquals(local.sorted("adapters"), spark.sorted("adapters"));
        assertEquals(N, local.table("adapters").size());

        Map<String, JsonNode> adapters = byKey(local.table("adapters"), "adapter");
        assertTrue(
                adapters.get(hub.truncated).has("error"),
                adapters.get(hub.truncated).toString());
        assertTrue(adapters.get(hub.truncated).get("error").asText().contains("adapter_model.safetensors"));
        // the loader refuses a NaN factor: an error row naming the tensor, not a failed job
        assertTrue(
                adapters.get(hub.nan).path("error").asText().contains("lora_A.weight"),
                adapters.get(hub.nan).toString());
        assertTrue(
                adapters.get(hub.zeroB).path("all_zero_b").asBoolean(),
                adapters.get(hub.zeroB).toString());
        assertEquals(
                2, adapters.values().stream().filter(a -> a.has("error")).count(), "error rows: truncated file, NaN");

        // singular values against the dense update's Jacobi SVD, in double
        String sample = hub.paths.get(17);
        Adapter a = Lora.load(sample);
        int checked = 0;
        for (String row : local.table("modules")) {
            JsonNode m = JSON.readTree(row);
            if (!m.get("adapter").asText().equals(sample)) {
                continue;
            }
            double[] dense =
                    Dense.singularValues(Dense.M.of(a.dense(m.get("module").asText())));
            JsonNode s = m.get("singular_values");
            assertEquals(m.get("rank").asInt(), s.size());
            for (int i = 0; i < s.size(); i++) {
                assertBelow(Math.abs(s.get(i).asDouble() - dense[i]) / dense[0], 1e-5, "σ" + (i + 1) + " of " + row);
            }
            checked++;
        }
        assertEquals(3, checked);
    }

    @Test
    void similarityOnSparkEqualsTheSingleMachineAndTheDenseCosine() throws IOException {
        SimilarityOptions o = SimilarityOptions.defaults().withBlockSize(32).withTopK(3);
        HubTables local = HubAnalysis.similarity(hub.paths, o);
        HubTables spark = SparkHub.collect(new SparkHub(sc).similarity(hub.paths, o));
        for (String t : List.of("pairs", "neighbours", "groups", "errors")) {
            assertEquals(local.sorted(t), spark.sorted(t), t);
        }
        int readable = N - 2;
        assertEquals(readable * (readable - 1) / 2, local.table("pairs").size());
        assertEquals(
                List.of(hub.truncated, hub.nan),
                local.table("errors").stream()
                        .map(r -> read(r).get("adapter").asText())
                        .toList());

        Map<String, JsonNode> pairs = new HashMap<>();
        for (String r : local.table("pairs")) {
            JsonNode p = read(r);
            pairs.put(p.get("a").asText() + " " + p.get("b").asText(), p);
        }
        // an exact copy: cosine 1, overlap 1, and one near-duplicate group
        JsonNode copy = pairs.get(hub.paths.get(7) + " " + hub.copyOf7);
        assertBelow(Math.abs(copy.get("cosine").asDouble() - 1), 1e-6, "cosine of a copy " + copy);
        assertBelow(Math.abs(copy.get("subspace_overlap").asDouble() - 1), 1e-5, "overlap of a copy " + copy);
        assertTrue(
                local.table("groups").stream().anyMatch(g -> g.contains(hub.copyOf7)),
                local.table("groups").toString());
        JsonNode other = pairs.get(hub.paths.get(10) + " " + hub.otherBase);
        assertTrue(other.get("reason").asText().contains("different base models"), other.toString());

        // against dense updates and SubspaceSimilarity, pairs across blocks and of different ranks
        for (int[] ij : new int[][] {{0, 1}, {12, 150}, {40, 199}, {33, 64}}) {
            String x = hub.paths.get(ij[0]);
            String y = hub.paths.get(ij[1]);
            JsonNode p = pairs.get(x + " " + y);
            Adapter a = Lora.load(x);
            Adapter b = Lora.load(y);
            double phi = 0;
            SubspaceSimilarity s = SubspaceSimilarity.of(a, b);
            for (String m : a.modules()) {
                phi += s.module(m).topOverlap();
            }
            double cosine = DenseCosine.of(a, b);
            assertBelow(Math.abs(p.get("cosine").asDouble() - cosine), 1e-5, "cosine " + p + " vs dense " + cosine);
            assertBelow(
                    Math.abs(p.get("subspace_overlap").asDouble()
                            - phi / a.modules().size()),
                    1e-5,
                    "overlap " + p + " vs SubspaceSimilarity "
                            + phi / a.modules().size());
        }
    }

    @Test
    void aBaseModelNamedComparesAdaptersWhoseConfigsNameAnother() {
        SimilarityOptions recorded =
                SimilarityOptions.defaults().withBlockSize(32).withTopK(3);
        SimilarityOptions named = recorded.withBaseModel("test-base");
        HubTables local = HubAnalysis.similarity(hub.paths, named);
        HubTables spark = SparkHub.collect(new SparkHub(sc).similarity(hub.paths, named));
        for (String t : List.of("pairs", "neighbours", "groups", "errors")) {
            assertEquals(local.sorted(t), spark.sorted(t), t);
        }
        Map<String, JsonNode> before = new HashMap<>();
        for (String r : HubAnalysis.similarity(hub.paths, recorded).table("pairs")) {
            before.put(read(r).get("a").asText() + " " + read(r).get("b").asText(), read(r));
        }
        int renamed = 0;
        for (String r : local.table("pairs")) {
            JsonNode p = read(r);
            JsonNode was = before.get(p.get("a").asText() + " " + p.get("b").asText());
            if (was.path("reason").asText().contains("different base models")) {
                assertTrue(p.get("comparable").asBoolean(), "compared under one name: " + p);
                renamed++;
            } else {
                assertEquals(was, p, "a pair of same-named models is unchanged");
            }
        }
        // adapters 11, 51, 91, 131 and 171 name another model: each against the 193 readable others named test-base
        assertEquals(5 * 193, renamed, "pairs across the two names");
        JsonNode p = read(local.table("pairs").stream()
                .filter(r -> r.contains("\"" + hub.paths.get(10) + "\"") && r.contains("\"" + hub.otherBase + "\""))
                .findFirst()
                .orElseThrow());
        double cosine = DenseCosine.of(Lora.load(hub.paths.get(10)), Lora.load(hub.otherBase));
        assertBelow(Math.abs(p.get("cosine").asDouble() - cosine), 1e-5, "cosine " + p + " vs dense " + cosine);
    }

    @Test
    void pairsBelowTheSmallestCosineAreLeftOutOfThePairsTableAlone() {
        SimilarityOptions every = SimilarityOptions.defaults().withBlockSize(32).withTopK(3);
        SimilarityOptions close = every.withMinPairCosine(0.5);
        HubTables all = HubAnalysis.similarity(hub.paths, every);
        HubTables local = HubAnalysis.similarity(hub.paths, close);
        HubTables spark = SparkHub.collect(new SparkHub(sc).similarity(hub.paths, close));
        List<String> expected = all.sorted("pairs").stream()
                .filter(r -> read(r).get("comparable").asBoolean()
                        && read(r).get("cosine").asDouble() >= 0.5)
                .toList();
        assertTrue(
                !expected.isEmpty() && expected.size() < all.table("pairs").size(),
                expected.size() + " of " + all.table("pairs").size() + " pairs at cosine ≥ 0.5");
        assertTrue(
                expected.stream().anyMatch(r -> r.contains(hub.copyOf7)), "the exact copy's pair is kept: " + expected);
        assertEquals(expected, local.sorted("pairs"));
        assertEquals(expected, spark.sorted("pairs"));
        for (String t : List.of("neighbours", "groups", "errors")) {
            assertEquals(all.sorted(t), local.sorted(t), t + " still see every pair");
            assertEquals(all.sorted(t), spark.sorted(t), t + " still see every pair, on Spark");
        }
        for (double wrong : new double[] {1.5, -2, Double.NaN}) {
            assertThrows(LoraException.class, () -> every.withMinPairCosine(wrong), "minimum cosine " + wrong);
        }
    }

    @Test
    void clusterOnSparkEqualsTheSingleMachine() {
        ClusterOptions o = ClusterOptions.of(4).withAdapterK(5).withSeed(3);
        List<String> some = hub.paths.subList(0, 60);
        HubTables local = HubAnalysis.cluster(some, o);
        HubTables spark = SparkHub.collect(new SparkHub(sc).cluster(some, o));
        for (String t : List.of("units", "adapters", "errors")) {
            assertEquals(local.sorted(t), spark.sorted(t), t);
        }
        assertEquals(2, local.table("errors").size());
        assertEquals(58, local.table("adapters").size());
        // every unit of every readable adapter with finite factors, once: ranks 1..5 over 3 modules
        int units = 0;
        for (int i = 0; i < 60; i++) {
            String p = hub.paths.get(i);
            if (!p.equals(hub.truncated) && !p.equals(hub.nan)) {
                units += 3 * (1 + (i == 8 ? 7 : i) % 5);
            }
        }
        assertEquals(units, local.table("units").size());
    }

    private static Map<String, JsonNode> byKey(List<String> rows, String key) {
        Map<String, JsonNode> out = new HashMap<>();
        rows.forEach(r -> out.put(read(r).get(key).asText(), read(r)));
        return out;
    }

    private static JsonNode read(String row) {
        try {
            return JSON.readTree(row);
        } catch (IOException e) {
            throw new IllegalStateException(row, e);
        }
    }
}
