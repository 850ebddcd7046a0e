package org.loralgebra.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.TestFiles;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** The spooled writer: a valid, aligned, deterministic layout whatever the order tensors arrive in. */
class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        Random rnd = new Random(5);
        t.put("b.half", Tensor.ofDoubles(DType.F16, new long[] {3}, new double[] {1, 2, 3}));
        t.put(
                "a.float",
                Tensor.ofDoubles(DType.F32, new long[] {2, 3}, rnd.doubles(6).toArray()));
        t.put("c.double", Tensor.ofDoubles(DType.F64, new long[] {1}, new double[] {Math.PI}));
        t.put("d.bytes", Tensor.ofBytes(DType.U8, new long[] {5}, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5})));
        t.put("e.scalar", Tensor.ofDoubles(DType.BF16, new long[0], new double[] {16}));
        t.put("f.empty", Tensor.ofDoubles(DType.F32, new long[] {0, 8}, new double[0]));
        return t;
    }

    @Test
    void writesAFileThatReadsBackExactly() {
        Path p = tmp.resolve("out.safetensors");
        SafetensorsWriter.write(p, Map.of("format", "pt"), sample());
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(Map.of("format", "pt"), f.metadata());
        sample().forEach((name, t) -> assertTrue(t.contentEquals(f.read(name)), name));
    }

    @Test
    void layoutIsPaddedAlignedAndSortedBySizeThenName() throws Exception {
        Path p = tmp.resolve("out.safetensors");
        SafetensorsWriter.write(p, Map.of("format", "pt"), sample());
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.endsWith("}") || header.endsWith(" "), header);
        JsonNode root = new ObjectMapper().readTree(header);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("__metadata__", "c.double", "a.float", "f.empty", "b.half", "e.scalar", "d.bytes"), keys);
        long expected = 0;
        for (String k : keys.subList(1, keys.size())) {
            JsonNode e = root.get(k);
            long begin = e.get("data_offsets").get(0).asLong();
            assertEquals(expected, begin, k + " follows the previous tensor");
            int size = DType.valueOf(e.get("dtype").asText()).byteSize();
            assertEquals(0, (8 + n + begin) % size, k + " aligned to its element size in the file");
            expected = e.get("data_offsets").get(1).asLong();
        }
        assertEquals(bytes.length, 8 + n + expected, "no trailing bytes");
    }

    @Test
    void arrivalOrderAndThreadsDoNotChangeTheBytes() throws Exception {
        Map<String, Tensor> tensors = sample();
        Path first = tmp.resolve("first.safetensors");
        SafetensorsWriter.write(first, Map.of("k", "v"), tensors);
        List<String> names = new ArrayList<>(tensors.keySet());
        for (int seed = 0; seed < 5; seed++) {
            Collections.shuffle(names, new Random(seed));
            Path other = tmp.resolve("other" + seed + ".safetensors");
            try (SafetensorsWriter w = new SafetensorsWriter(Map.of("k", "v"))) {
                IntStream.range(0, names.size())
                        .parallel()
                        .forEach(i -> w.add(names.get(i), tensors.get(names.get(i))));
                w.commit(other);
            }
            assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(other), "seed " + seed);
        }
    }

    @Test
    void refusesDuplicateAndReservedNames() {
        try (SafetensorsWriter w = new SafetensorsWriter(Map.of())) {
            Tensor t = Tensor.ofDoubles(DType.F32, new long[] {1}, new double[] {1});
            w.add("x", t);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> w.add("x", t))
                    .getMessage()
                    .contains("'x'"));
            assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", t));
            assertEquals(List.of("x"), w.names());
        }
    }

    @Test
    void aFailedCommitLeavesNothingAndAnOldFileIsReplacedWhole() throws Exception {
        Path blocker = TestFiles.write(tmp.resolve("not-a-folder"), "x");
        assertThrows(
                RuntimeException.class,
                () -> SafetensorsWriter.write(blocker.resolve("out.safetensors"), Map.of(), sample()));
        assertEquals(List.of("not-a-folder"), TestFiles.listing(tmp));

        Path target = TestFiles.write(tmp.resolve("t.safetensors"), "old contents");
        SafetensorsWriter.write(target, Map.of(), sample());
        assertEquals(6, SafetensorsFile.open(target).tensors().size());
        assertEquals(List.of("not-a-folder", "t.safetensors"), TestFiles.listing(tmp), "no temporary left behind");
    }
}
