package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's cache: round trips, corrupt entries rebuilt, the user folder. */
class LabCacheTest {
    @TempDir
    Path dir;

    private static Mlp tiny(float v) {
        return new Mlp("t", new int[] {3, 2, 2}, new float[][] {{v, 1, 2, 3, 4, 5}, {6, 7, 8, v}}, new float[][] {
            {1, 2}, {3, 4}
        });
    }

    @Test
    void aStoredModelIsReadBackBitForBitAndNotRetrained() {
        LabCache cache = LabCache.at(dir);
        AtomicInteger trained = new AtomicInteger();
        Mlp first = cache.model("k", () -> {
            trained.incrementAndGet();
            return tiny(0.25f);
        });
        Mlp again = cache.model("k", () -> {
            trained.incrementAndGet();
            return tiny(9f);
        });
        assertEquals(1, trained.get());
        assertArrayEquals(first.weight(0), again.weight(0));
        assertArrayEquals(first.weight(1), again.weight(1));
        assertArrayEquals(first.bias(1), again.bias(1));
        assertArrayEquals(first.sizes(), again.sizes());
    }

    @Test
    void aCorruptOrTruncatedEntryIsIgnoredAndRebuilt() throws Exception {
        LabCache cache = LabCache.at(dir);
        cache.model("k", () -> tiny(0.25f));
        Path file = dir.resolve("model-k.bin");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 12] ^= 1; // one bit of a weight: the CRC no longer matches
        Files.write(file, bytes);
        assertNull(LabCache.readModel(file));
        Mlp rebuilt = cache.model("k", () -> tiny(5f));
        assertEquals(5f, rebuilt.weight(0)[0]);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 30));
        assertEquals(7f, cache.model("k", () -> tiny(7f)).weight(0)[0]);
        assertEquals(7f, LabCache.readModel(file).weight(0)[0], "the rebuilt entry is stored");
    }

    @Test
    void storedFloatsAreReadBackBitForBitAndACorruptFileIsRebuilt() throws Exception {
        LabCache cache = LabCache.at(dir);
        float[] values = {1.5f, -0f, Float.MIN_VALUE, 3e38f, 0.1f};
        AtomicInteger made = new AtomicInteger();
        cache.floats("f", () -> {
            made.incrementAndGet();
            return values.clone();
        });
        assertArrayEquals(values, cache.floats("f", () -> new float[] {9}));
        assertEquals(1, made.get());
        Path file = dir.resolve("floats-f.bin");
        byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1; // one bit of a value: the CRC no longer matches
        Files.write(file, bytes);
        assertArrayEquals(new float[] {9}, cache.floats("f", () -> new float[] {9}));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 10));
        assertArrayEquals(new float[] {7}, cache.floats("f", () -> new float[] {7}));
        assertArrayEquals(new float[] {7}, cache.floats("f", () -> new float[] {8}), "the rebuilt entry is stored");
    }

    @Test
    void theUserFolderFollowsXdgElseHome() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/x/loralgebra/lab"), LabCache.userFolder(Map.of("XDG_CACHE_HOME", "/x"), home));
        assertEquals(Path.of("/home/u/.cache/loralgebra/lab"), LabCache.userFolder(Map.of(), home));
        assertEquals(
                Path.of("/home/u/.cache/loralgebra/lab"),
                LabCache.userFolder(Map.of("XDG_CACHE_HOME", "relative"), home),
                "a relative XDG_CACHE_HOME is ignored, as the spec says");
    }

    @Test
    void keysDifferWithTheSettings() {
        assertEquals(32, LabCache.key("a").length());
        assertEquals(LabCache.key("a"), LabCache.key("a"));
        assertNotEquals(LabCache.key("a"), LabCache.key("b"));
    }
}
