package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.Gate;
import org.loralgebra.stdlib.route.Route;
import org.loralgebra.stdlib.route.Routing;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@code lora route --gate arrow} on the real DistilBERT adapters: the written output is what the Java API (checked
 * against a per-token loop in stdlib) computes with the same options; Arrow's options are refused elsewhere, and bad
 * GenKnowSub inputs fail with exit 2 and nothing written.
 */
class RouteArrowCommandTest {
    static final String Q = RouteCommandTest.Q;
    static final String K = "1";

    @TempDir
    Path tmp;

    private Path activations() {
        Path p = tmp.resolve("x.safetensors");
        SafetensorsWriter.write(
                p,
                Map.of(),
                Map.of("x", Tensor.ofDoubles(DType.F32, new long[] {24, 768}, RouteCommandTest.gaussian(24 * 768, 3))));
        return p;
    }

    private static String[] args(Path x, Path y, String... extra) {
        String imdb = CliRun.adapter("distilbert-imdb").toString();
        String emotion = CliRun.adapter("distilbert-emotion").toString();
        String[] base = {
            "route", "--adapters", imdb + "," + emotion, "--activations", x.toString(), "-m", Q, "-o", y.toString()
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void arrowWithTemperatureAndGksWritesWhatTheApiRoutes() {
        Path x = activations();
        Path y = tmp.resolve("y.safetensors");
        String emotion = CliRun.adapter("distilbert-emotion").toString();
        CliRun run =
                CliRun.of(args(x, y, "-k", K, "--gate", "arrow", "--temperature", "0.5", "--gks", emotion, "--json"));
        assertEquals(ExitCodes.OK, run.status(), run.err());
        assertTrue(
                run.out().contains("arrow (|x·p_e| / 0.5, exact prototypes, GenKnowSub of 1 general adapter)"),
                run.out());
        var imdb = Lora.load(CliRun.adapter("distilbert-imdb"));
        var emo = Lora.load(CliRun.adapter("distilbert-emotion"));
        Routing api = Route.of(imdb, emo)
                .gate(Gate.arrow().temperature(0.5).gks(emo))
                .topK(1)
                .apply(Q, Activations.read(x));
        float[] written = SafetensorsFile.open(y).read("output").toFloatArray();
        assertArrayEquals(api.outputValues(), written, "the CLI routes as the API does");
    }

    @Test
    void powerIterationsAreSeeded() {
        Path x = activations();
        Path y1 = tmp.resolve("y1.safetensors");
        Path y2 = tmp.resolve("y2.safetensors");
        CliRun a = CliRun.of(args(x, y1, "-k", K, "--gate", "arrow", "--power-iterations", "15", "--seed", "4"));
        CliRun b = CliRun.of(args(x, y2, "-k", K, "--gate", "arrow", "--power-iterations", "15", "--seed", "4"));
        assertEquals(ExitCodes.OK, a.status(), a.err());
        assertEquals(ExitCodes.OK, b.status(), b.err());
        assertArrayEquals(
                SafetensorsFile.open(y1).read("output").toFloatArray(),
                SafetensorsFile.open(y2).read("output").toFloatArray());
    }

    @Test
    void badArrowInputsFailWithNothingWritten() {
        Path x = activations();
        Path y = tmp.resolve("y.safetensors");
        String gpt2 = CliRun.adapter("gpt2-tigrinya").toString();
        CliRun notArrow = CliRun.of(args(x, y, "-k", K, "--gate", "fly", "--temperature", "2"));
        assertEquals(ExitCodes.USAGE, notArrow.status(), notArrow.err());
        assertTrue(notArrow.err().contains("--temperature applies to --gate arrow"), notArrow.err());
        CliRun zeroT = CliRun.of(args(x, y, "-k", K, "--gate", "arrow", "--temperature", "0"));
        assertEquals(ExitCodes.USAGE, zeroT.status(), zeroT.err());
        CliRun tooMany = CliRun.of(args(x, y, "-k", "3", "--gate", "arrow"));
        assertEquals(ExitCodes.INPUT, tooMany.status(), tooMany.err());
        assertTrue(tooMany.err().contains("top-k 3") && tooMany.err().contains("1 ≤ k ≤ 2"), tooMany.err());
        CliRun otherModel = CliRun.of(args(x, y, "-k", K, "--gate", "arrow", "--gks", gpt2));
        assertEquals(ExitCodes.INPUT, otherModel.status(), otherModel.err());
        assertTrue(
                otherModel.err().contains("general adapter 'gpt2-tigrinya' has no module '" + Q + "'"),
                otherModel.err());
        assertFalse(otherModel.err().contains("\tat "), "no stack trace: " + otherModel.err());
        assertFalse(Files.exists(y), "nothing written");
    }
}
