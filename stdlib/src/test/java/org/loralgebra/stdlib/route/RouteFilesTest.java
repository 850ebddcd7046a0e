package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Gates and activations read from safetensors files, results written to one, byte for byte reproducibly. */
class RouteFilesTest {
    static final String M = RouteMatchesLoopReferenceTest.MODULE;
    static final int IN = RouteMatchesLoopReferenceTest.IN;
    static final List<Adapter> EXPERTS = RouteMatchesLoopReferenceTest.adapters();

    @TempDir
    Path dir;

    static Tensor random(long seed, long... shape) {
        return Tensor.ofDoubles(
                DType.F32, shape, RouteMatchesLoopReferenceTest.gaussian((int) Tensor.numel(shape), seed, 1));
    }

    @Test
    void aSavedGateReadsBackAndRoutesTheSame() {
        LinearGate gate = Gate.linear(random(1, 4, IN), random(2, 4));
        Path file = dir.resolve("gate.safetensors");
        gate.save(file);
        LinearGate back = Gate.linear(file);
        assertTrue(back.weight().contentEquals(gate.weight()));
        assertTrue(back.bias().orElseThrow().contentEquals(gate.bias().orElseThrow()));
        Activations x = Activations.gaussian(20, IN, 3);
        Route route = Route.of(EXPERTS).topK(2);
        assertArrayEquals(
                route.gate(gate).apply(M, x).outputValues(),
                route.gate(back).apply(M, x).outputValues());
        assertTrue(Gate.parse("linear:" + file) instanceof LinearGate);
    }

    @Test
    void aTorchRouterStateDictIsRecognized() {
        Path file = dir.resolve("router.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("router.weight", random(1, 4, IN));
        t.put("router.bias", random(2, 4));
        t.put("step", Tensor.ofDoubles(DType.F32, new long[] {1}, new double[] {3}));
        SafetensorsWriter.write(file, Map.of(), t);
        LinearGate g = LinearGate.read(file);
        assertTrue(g.weight().contentEquals(t.get("router.weight")));
        assertTrue(g.bias().orElseThrow().contentEquals(t.get("router.bias")));
        assertTrue(g.describe().contains("router.weight"), g.describe());
    }

    @Test
    void gateFilesWithoutAMatrixAreNamed() {
        Path file = dir.resolve("two.safetensors");
        SafetensorsWriter.write(file, Map.of(), Map.of("a", random(1, 4, IN), "b", random(2, 4, IN)));
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> LinearGate.read(file));
        assertTrue(
                e.getMessage().contains("two.safetensors")
                        && e.getMessage().contains("'weight'")
                        && e.getMessage().contains("a F32 [4, 48]"),
                e.getMessage());
        Path badBias = dir.resolve("bias.safetensors");
        SafetensorsWriter.write(badBias, Map.of(), Map.of("weight", random(1, 4, IN), "bias", random(2, 5)));
        e = assertThrows(AdapterFormatException.class, () -> LinearGate.read(badBias));
        assertTrue(e.getMessage().contains("tensor 'bias'") && e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(AdapterFormatException.class, () -> PrototypeGate.read(dir.resolve("missing.safetensors")));
    }

    @Test
    void activationsFiles() {
        Path one = dir.resolve("x.safetensors");
        Tensor x = random(5, 6, IN);
        SafetensorsWriter.write(one, Map.of(), Map.of("hidden", x));
        Activations a = Activations.read(one);
        assertTrue(a.tensor().contentEquals(x));
        assertTrue(a.origin().contains("'hidden'"), a.origin());
        Path two = dir.resolve("xy.safetensors");
        SafetensorsWriter.write(two, Map.of(), Map.of("x", x, "y", random(6, 6, IN)));
        AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> Activations.read(two));
        assertTrue(e.getMessage().contains("found 2 (x [6, 48], y [6, 48])"), e.getMessage());
        assertTrue(Activations.read(two, "y").tensor().contentEquals(random(6, 6, IN)));
        Path bf16 = dir.resolve("bf16.safetensors");
        SafetensorsWriter.write(bf16, Map.of(), Map.of("x", x.convertTo(DType.BF16)));
        assertEquals(DType.BF16, Activations.read(bf16).tensor().dtype());
    }

    @Test
    void resultsAreWrittenAtomicallyAndReproducibly() throws Exception {
        Activations x = Activations.gaussian(30, IN, 8);
        Route route = Route.of(EXPERTS).gate(Gate.linear(random(1, 4, IN))).topK(2);
        Routing r1 = route.apply(M, x);
        Routing r2 = route.apply(M, Activations.gaussian(30, IN, 8));
        Path f1 = dir.resolve("y1.safetensors");
        Path f2 = dir.resolve("y2.safetensors");
        r1.save(f1);
        r2.save(f2);
        assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2));
        SafetensorsFile f = SafetensorsFile.open(f1);
        assertTrue(f.read("output").contentEquals(r1.output()));
        assertArrayEquals(new long[] {30, 40}, f.read("output").shape());
        ByteBuffer load = f.read("expert_load").bytes().order(ByteOrder.LITTLE_ENDIAN);
        long[] counts = new long[4];
        for (int e = 0; e < 4; e++) {
            counts[e] = load.getLong(e * 8);
        }
        assertArrayEquals(r1.stats().load(), counts);
        assertEquals(DType.I64, f.read("expert_load").dtype());
        assertEquals("2", f.metadata().get("top_k"));
        assertEquals(M, f.metadata().get("module"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }
}
