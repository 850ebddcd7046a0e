package org.loralgebra.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertBelow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.stdlib.analysis.SpectrumStats;
import org.loralgebra.stdlib.analysis.SubspaceSimilarity;
import org.loralgebra.stdlib.cluster.Cluster;

/**
 * The hub's numbers on the real adapters of {@code examples/adapters} against the single-adapter analyses: the
 * spectra of {@code lora spectrum} (the same doubles), {@link SpectrumStats}' measures, {@link SubspaceSimilarity},
 * the cosine of the dense updates, and the centres of {@code lora cluster}'s merge ({@link Cluster}).
 */
class RealAdaptersHubIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES =
            Path.of(System.getProperty("loralgebra.examplesDir", "../examples"), "adapters");
    private static final String IMDB = EXAMPLES.resolve("distilbert-imdb").toString();
    private static final String EMOTION = EXAMPLES.resolve("distilbert-emotion").toString();

    @Test
    void statsAreWhatLoraSpectrumAndSpectrumStatsGive() throws IOException {
        List<String> paths = AdapterPaths.expand(List.of(EXAMPLES.toString()));
        assertEquals(5, paths.size(), paths.toString());
        HubTables t = HubAnalysis.stats(paths);
        int modules = 0;
        Map<String, SpectrumStats> stats = new HashMap<>();
        for (String row : t.table("modules")) {
            JsonNode m = JSON.readTree(row);
            String adapter = m.get("adapter").asText();
            SpectrumStats s = stats.computeIfAbsent(adapter, p -> SpectrumStats.of(Lora.load(p)));
            String module = m.get("module").asText();
            double[] expected = Lora.load(adapter).spectrum().module(module);
            double[] got = new double[m.get("singular_values").size()];
            for (int i = 0; i < got.length; i++) {
                got[i] = m.get("singular_values").get(i).asDouble();
            }
            assertArrayEquals(expected, got, adapter + " " + module);
            assertEquals(
                    s.module(module).effectiveRank(), m.get("effective_rank").asDouble(), row);
            assertEquals(s.module(module).stableRank(), m.get("stable_rank").asDouble(), row);
            assertEquals(s.module(module).energyRank(0.9), m.get("energy_rank").asInt(), row);
            modules++;
        }
        assertEquals(12 + 12 + 36 + 96 + 128, modules);
        assertEquals(5, t.table("adapters").size());
    }

    @Test
    void similarityIsSubspaceSimilarityAndTheDenseCosine() throws IOException {
        HubTables t = HubAnalysis.similarity(List.of(IMDB, EMOTION), SimilarityOptions.defaults());
        assertEquals(1, t.table("pairs").size());
        JsonNode p = JSON.readTree(t.table("pairs").get(0));
        Adapter a = Lora.load(IMDB);
        Adapter b = Lora.load(EMOTION);
        SubspaceSimilarity s = SubspaceSimilarity.of(a, b);
        double phi = s.topOverlap().values().stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
        assertBelow(Math.abs(p.get("subspace_overlap").asDouble() - phi), 1e-6, "overlap " + p + " vs " + phi);
        double cosine = DenseCosine.of(a, b);
        assertBelow(Math.abs(p.get("cosine").asDouble() - cosine), 1e-5, "cosine " + p + " vs dense " + cosine);
    }

    @Test
    void unitClustersAreTheCentresOfLoraCluster() throws IOException {
        int k = 4;
        HubTables t =
                HubAnalysis.cluster(List.of(IMDB, EMOTION), ClusterOptions.of(k).withSeed(7));
        Adapter merged = Cluster.of(Lora.load(IMDB), Lora.load(EMOTION))
                .k(k)
                .seed(7)
                .parameterReweighting(false)
                .adapter();
        Map<String, double[][]> mergedFactors = factors(merged);
        Map<String, Map<String, double[][]>> inputs =
                Map.of(IMDB, factors(Lora.load(IMDB)), EMOTION, factors(Lora.load(EMOTION)));
        Map<String, List<JsonNode>> byModule = new HashMap<>();
        for (String row : t.table("units")) {
            JsonNode u = JSON.readTree(row);
            byModule.computeIfAbsent(u.get("module").asText(), x -> new ArrayList<>())
                    .add(u);
        }
        assertEquals(12, byModule.size());
        for (Map.Entry<String, List<JsonNode>> e : byModule.entrySet()) {
            String module = e.getKey();
            assertEquals(16, e.getValue().size(), module);
            double[][] ba = mergedFactors.get(module); // {B [768, k], A [k, 768], {out, rank, in}}
            int out = (int) ba[2][0];
            int in = (int) ba[2][2];
            double[][] sum = new double[k][out + in];
            int[] count = new int[k];
            for (JsonNode u : e.getValue()) {
                double[][] f = inputs.get(u.get("adapter").asText()).get(module);
                double[] unit = unit(f, u.get("unit").asInt());
                int c = u.get("cluster").asInt();
                int sign = u.get("sign").asInt();
                for (int i = 0; i < unit.length; i++) {
                    sum[c][i] += sign * unit[i];
                }
                count[c]++;
            }
            double worst = 0;
            double scale = 0;
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < out; i++) {
                    double centre = sum[c][i] / count[c];
                    worst = Math.max(worst, Math.abs(centre - ba[0][i * k + c]));
                    scale = Math.max(scale, Math.abs(centre));
                }
                for (int j = 0; j < in; j++) {
                    double centre = sum[c][out + j] / count[c];
                    worst = Math.max(worst, Math.abs(centre - ba[1][c * in + j]));
                    scale = Math.max(scale, Math.abs(centre));
                }
            }
            assertBelow(worst / scale, 1e-5, "centres of " + module + " against lora cluster's merge");
        }
        assertEquals(2, t.table("adapters").size());
    }

    /**
     * Unit j of factors {B, A, {out, rank, in, scale}}, computed here from the definition: [√μ·sign(s)·b/‖b‖,
     * √μ·a/‖a‖], μ = |s|·‖b‖·‖a‖, flipped so that the largest |entry| of the b half (the first on ties) is positive.
     */
    private static double[] unit(double[][] f, int j) {
        int out = (int) f[2][0];
        int r = (int) f[2][1];
        int in = (int) f[2][2];
        double s = f[2][3];
        double nb = 0;
        double na = 0;
        for (int i = 0; i < out; i++) {
            nb += f[0][i * r + j] * f[0][i * r + j];
        }
        for (int c = 0; c < in; c++) {
            na += f[1][j * in + c] * f[1][j * in + c];
        }
        nb = Math.sqrt(nb);
        na = Math.sqrt(na);
        double mu = Math.abs(s) * nb * na;
        double[] u = new double[out + in];
        int arg = 0;
        for (int i = 0; i < out; i++) {
            u[i] = Math.sqrt(mu) * Math.signum(s) * f[0][i * r + j] / nb;
            if (Math.abs(u[i]) > Math.abs(u[arg])) {
                arg = i;
            }
        }
        for (int c = 0; c < in; c++) {
            u[out + c] = Math.sqrt(mu) * f[1][j * in + c] / na;
        }
        if (u[arg] < 0) {
            for (int i = 0; i < u.length; i++) {
                u[i] = -u[i];
            }
        }
        return u;
    }

    /** Per module {B row-major, A row-major, {out, rank, in, scale}}. */
    private static Map<String, double[][]> factors(Adapter a) {
        Backend be = Engine.current().backend();
        Map<String, double[][]> out = new ConcurrentHashMap<>();
        Roots roots = new Roots();
        Root<ModuleFactors> f = roots.factors(a.node());
        Lora.evaluate(roots, (module, values) -> {
            ModuleFactors x = values.get(f);
            out.put(module, new double[][] {
                be.toRowMajor(x.b()),
                be.toRowMajor(x.a()),
                {x.spec().out(), x.rank(), x.spec().in(), x.scale()}
            });
        });
        return out;
    }
}
