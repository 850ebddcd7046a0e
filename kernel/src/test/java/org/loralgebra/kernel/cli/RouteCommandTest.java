package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code lora route} on the real adapters: the written output equals, row by row, the dense update of the adapter
 * each token's nearest prototype picks (computed here in double from the core's dense updates); statistics and
 * errors.
 */
class RouteCommandTest {
    static final String Q = "distilbert.transformer.layer.0.attention.q_lin";
    static final int T = 24;

    @TempDir
    Path tmp;

    static double[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private Path write(String name, String tensor, double[] values, long... shape) {
        Path p = tmp.resolve(name);
        SafetensorsWriter.write(p, Map.of(), Map.of(tensor, Tensor.ofDoubles(DType.F32, shape, values)));
        return p;
    }

    @Test
    void prototypesPickTheNearestAdapterPerToken() {
        double[] x = gaussian(T * 768, 1);
        double[] c = gaussian(2 * 768, 2);
        Path xs = write("x.safetensors", "hidden_states", x, T, 768);
        Path protos = write("p.safetensors", "prototypes", c, 2, 768);
        Path y = tmp.resolve("y.safetensors");
        String imdb = CliRun.adapter("distilbert-imdb").toString();
        String emotion = CliRun.adapter("distilbert-emotion").toString();
        CliRun run = CliRun.of(
                "route",
                "--adapters",
                imdb + "," + emotion,
                "--gate",
                "proto:" + protos,
                "--top-k",
                "1",
                "--activations",
                xs.toString(),
                "--module",
                Q,
                "-o",
                y.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("wrote " + y + ": output [24, 768], expert_load [2]"), run.out());

        DenseMatrix[] delta = {Lora.load(imdb).dense(Q), Lora.load(emotion).dense(Q)};
        SafetensorsFile f = SafetensorsFile.open(y);
        double[] out = f.read("output").toDoubleArray();
        long[] load = new long[2];
        double num = 0;
        double den = 0;
        for (int t = 0; t < T; t++) {
            double[] cos = new double[2];
            for (int e = 0; e < 2; e++) {
                double dot = 0;
                double nx = 0;
                double nc = 0;
                for (int i = 0; i < 768; i++) {
                    dot += x[t * 768 + i] * c[e * 768 + i];
                    nx += x[t * 768 + i] * x[t * 768 + i];
                    nc += c[e * 768 + i] * c[e * 768 + i];
                }
                cos[e] = dot / Math.sqrt(nx * nc);
            }
            int pick = cos[1] > cos[0] ? 1 : 0;
            load[pick]++;
            for (int o = 0; o < 768; o++) {
                double v = 0;
                for (int i = 0; i < 768; i++) {
                    v += delta[pick].get(o, i) * x[t * 768 + i];
                }
                num += Math.pow(out[t * 768 + o] - v, 2);
                den += v * v;
            }
        }
        assertTrue(Math.sqrt(num / den) <= 1e-5, "relative error " + Math.sqrt(num / den));
        Tensor loads = f.read("expert_load");
        assertEquals(DType.I64, loads.dtype());
        var b = loads.bytes().order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(load, new long[] {b.getLong(0), b.getLong(8)});
        assertEquals(Q, f.metadata().get("module"));
    }

    @Test
    void ranksOfGpt2ByTheImplicitRouterAsJson() throws Exception {
        Path xs = write("x.safetensors", "x", gaussian(T * 768, 3), T, 768);
        Path y = tmp.resolve("y.safetensors");
        CliRun run = CliRun.of(
                "route",
                "--ranks",
                CliRun.adapter("gpt2-tigrinya").toString(),
                "--top-k",
                "2",
                "--activations",
                xs.toString(),
                "--module",
                "transformer.h.0.attn.c_attn",
                "-o",
                y.toString(),
                "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode stats = new ObjectMapper().readTree(run.out()).get("stats");
        assertEquals(8, stats.get("experts").size());
        long sum = 0;
        for (JsonNode e : stats.get("experts")) {
            sum += e.get("load").asLong();
        }
        assertEquals(2L * T, sum);
        assertArrayEquals(
                new long[] {T, 2304}, SafetensorsFile.open(y).read("output").shape());
        assertTrue(run.out().contains("\"execution\" : \"masked\""), run.out());
    }

    @Test
    void usageAndInputErrors() {
        Path xs = write("x.safetensors", "x", gaussian(4 * 768, 4), 4, 768);
        String imdb = CliRun.adapter("distilbert-imdb").toString();
        String y = tmp.resolve("y.safetensors").toString();
        CliRun both = CliRun.of(
                "route",
                "--adapters",
                imdb,
                "--ranks",
                imdb,
                "-k",
                "1",
                "--activations",
                xs.toString(),
                "-m",
                Q,
                "-o",
                y);
        assertEquals(ExitCodes.USAGE, both.status(), both.err());
        CliRun badGate = CliRun.of(
                "route",
                "--ranks",
                imdb,
                "--gate",
                "softmax",
                "-k",
                "1",
                "--activations",
                xs.toString(),
                "-m",
                Q,
                "-o",
                y);
        assertEquals(ExitCodes.USAGE, badGate.status(), badGate.err());
        assertTrue(badGate.err().contains("fly, arrow, proto:FILE or linear:FILE"), badGate.err());
        CliRun badModule = CliRun.of(
                "route",
                "--ranks",
                imdb,
                "-k",
                "1",
                "--activations",
                xs.toString(),
                "-m",
                "distilbert.transformer.layer.0.attention.k_lin",
                "-o",
                y);
        assertEquals(ExitCodes.INPUT, badModule.status(), badModule.err());
        assertTrue(
                badModule.err().contains("no module 'distilbert.transformer.layer.0.attention.k_lin'")
                        && badModule.err().contains("q_lin"),
                badModule.err());
        Path narrow = write("narrow.safetensors", "x", gaussian(4 * 10, 5), 4, 10);
        CliRun width =
                CliRun.of("route", "--ranks", imdb, "-k", "1", "--activations", narrow.toString(), "-m", Q, "-o", y);
        assertEquals(ExitCodes.INPUT, width.status(), width.err());
        assertTrue(width.err().contains("narrow.safetensors") && width.err().contains("takes 768"), width.err());
        assertTrue(!Files.exists(Path.of(y)), "nothing written on error");
    }
}
