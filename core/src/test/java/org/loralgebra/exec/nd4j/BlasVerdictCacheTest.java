package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cached self-check verdict: its key changes with every input that decides OpenBLAS's machine code; only passes
 * are recorded, atomically, under exactly their key; a missing, corrupt or unwritable entry means the check runs.
 * The inputs are fakes given through the key's constructor; the check is a counted stand-in returning a given result.
 */
class BlasVerdictCacheTest {
    private static final BlasCheckKey KEY = new BlasCheckKey(
            1,
            "Intel(R) Xeon(R) Platinum 8481C",
            Set.of("avx2", "fma", "avx512f"),
            new TreeMap<>(Map.of()),
            "0.3.31 SKYLAKEX",
            "/tmp/libopenblas.so.0 (40000000 bytes, modified 2026-02-20T01:38:00Z)",
            "/m2/nd4j-api-1.0.0-M2.1.jar (10 bytes, modified 2022-01-01T00:00:00Z)",
            "1.5.13");

    private static final BlasSelfCheck.Result PASS = new BlasSelfCheck.Result(List.of(), 80, 280);
    private static final BlasSelfCheck.Result FAIL = new BlasSelfCheck.Result(
            List.of(new BlasSelfCheck.Finding("LAPACKE_dgesdd", "max |UᵀU − I|", "120×80", 25.9, 1e-9)), 80, 280);

    /** A stand-in for the check that counts its runs. */
    private record CountedCheck(BlasSelfCheck.Result result, AtomicInteger runs)
            implements Supplier<BlasSelfCheck.Result> {
        CountedCheck(BlasSelfCheck.Result result) {
            this(result, new AtomicInteger());
        }

        @Override
        public BlasSelfCheck.Result get() {
            runs.incrementAndGet();
            return result;
        }
    }

    @Test
    void theKeyChangesWhenAnyInputChanges() {
        var env = new TreeMap<String, String>();
        env.put("OPENBLAS_CORETYPE", "Haswell");
        var verbose = new TreeMap<String, String>();
        verbose.put("OPENBLAS_VERBOSE", "2");
        List<BlasCheckKey> changed = List.of(
                new BlasCheckKey(
                        2,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        "AMD EPYC 9B14",
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        Set.of("avx2", "fma"),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        env,
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        verbose,
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        "0.3.19 SKYLAKEX",
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        "/tmp/libopenblas.so.0 (40000001 bytes, modified 2026-02-20T01:38:00Z)",
                        KEY.nd4jVersion(),
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        "/m2/nd4j-api-1.0.0-M3.jar (10 bytes, modified 2022-01-01T00:00:00Z)",
                        KEY.javacppVersion()),
                new BlasCheckKey(
                        1,
                        KEY.cpuModel(),
                        KEY.cpuFlags(),
                        KEY.openblasEnv(),
                        KEY.openblasBuild(),
                        KEY.nativeFiles(),
                        KEY.nd4jVersion(),
                        "1.5.7"));
        for (BlasCheckKey k : changed) {
            assertNotEquals(KEY.digest(), k.digest(), "same digest for a changed input:\n" + k.canonical());
        }
        assertEquals(
                changed.size(),
                changed.stream().map(BlasCheckKey::digest).distinct().count(),
                "distinct digests");
        var same = new BlasCheckKey(
                1,
                KEY.cpuModel(),
                Set.of("avx512f", "fma", "avx2"),
                new TreeMap<>(),
                KEY.openblasBuild(),
                KEY.nativeFiles(),
                KEY.nd4jVersion(),
                KEY.javacppVersion());
        assertEquals(KEY.digest(), same.digest(), "equal inputs (flags in another order) give the same key");
        assertEquals(64, KEY.digest().length(), KEY.digest());
    }

    @Test
    void thisMachinesKeyNamesTheOpenblasLibraryAndVersions() {
        Optional<BlasCheckKey> key = BlasCheckKey.current();
        assertTrue(key.isPresent() || CpuDescription.current().flags().isEmpty(), "no key on a Linux machine");
        key.ifPresent(k -> {
            assertEquals(BlasSelfCheck.CHECK_VERSION, k.checkVersion());
            assertTrue(k.openblasBuild().startsWith("0.3."), k.openblasBuild());
            assertTrue(k.nativeFiles().contains("openblas") && k.nativeFiles().contains("bytes"), k.nativeFiles());
            assertTrue(k.nd4jVersion().contains("nd4j") && k.nd4jVersion().contains("bytes"), k.nd4jVersion());
            assertTrue(k.javacppVersion().startsWith("1.5."), k.javacppVersion());
            assertEquals(k.digest(), BlasCheckKey.current().orElseThrow().digest(), "stable within a process");
        });
    }

    @Test
    void aPassIsRecordedAndSkipsTheNextCheck(@TempDir Path dir) throws IOException {
        var cache = new BlasVerdictCache(dir.resolve("loralgebra"));
        var check = new CountedCheck(PASS);
        var first = BlasSelfCheck.decide(Optional.of(KEY), Optional.of(cache), check);
        assertTrue(first.passed() && !first.fromCache() && first.cacheWritten(), first.toString());
        assertTrue(first.cachedPass().isEmpty(), "no entry before the first run");
        String entry = Files.readString(cache.entry(KEY), StandardCharsets.UTF_8);
        assertTrue(entry.contains("verdict: PASS") && entry.contains(KEY.digest()), entry);
        var second = BlasSelfCheck.decide(Optional.of(KEY), Optional.of(cache), check);
        assertTrue(second.passed() && second.fromCache(), second.toString());
        assertEquals(80, second.cachedPass().orElseThrow());
        assertEquals(1, check.runs().get(), "runs of the check");
        try (var files = Files.list(cache.entry(KEY).getParent())) {
            assertEquals(List.of(cache.entry(KEY)), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aPassUnderAnotherKeyIsNotUsed(@TempDir Path dir) {
        var cache = new BlasVerdictCache(dir);
        assertTrue(cache.recordPass(KEY, 80));
        var other = new BlasCheckKey(
                1,
                KEY.cpuModel(),
                KEY.cpuFlags(),
                new TreeMap<>(Map.of("OPENBLAS_CORETYPE", "Haswell")),
                KEY.openblasBuild(),
                KEY.nativeFiles(),
                KEY.nd4jVersion(),
                KEY.javacppVersion());
        var check = new CountedCheck(PASS);
        assertFalse(BlasSelfCheck.decide(Optional.of(other), Optional.of(cache), check)
                .fromCache());
        assertEquals(1, check.runs().get(), "runs of the check");
    }

    @Test
    void aCorruptEntryIsIgnoredAndRewritten(@TempDir Path dir) throws IOException {
        var cache = new BlasVerdictCache(dir);
        for (String corrupt : List.of("", "garbage\n", "LoRAlgebra BLAS/LAPACK self-check verdict\nkey: 00\n")) {
            Files.writeString(cache.entry(KEY), corrupt, StandardCharsets.UTF_8);
            var check = new CountedCheck(PASS);
            var v = BlasSelfCheck.decide(Optional.of(KEY), Optional.of(cache), check);
            assertEquals(1, check.runs().get(), "runs with entry '" + corrupt + "'");
            assertTrue(v.passed() && v.cacheWritten() && v.cachedPass().isEmpty(), v.toString());
            assertEquals(80, cache.pass(KEY).orElseThrow(), "rewritten entry");
        }
        // a valid entry cut short (as a torn write would leave it) is not a pass either
        String whole = Files.readString(cache.entry(KEY), StandardCharsets.UTF_8);
        Files.writeString(cache.entry(KEY), whole.substring(0, whole.length() - 2), StandardCharsets.UTF_8);
        assertTrue(cache.pass(KEY).isEmpty(), "a truncated entry reads as a pass");
    }

    @Test
    void aFailureIsNeverCached(@TempDir Path dir) {
        var cache = new BlasVerdictCache(dir);
        var check = new CountedCheck(FAIL);
        for (int i = 0; i < 2; i++) {
            var v = BlasSelfCheck.decide(Optional.of(KEY), Optional.of(cache), check);
            assertFalse(v.passed() || v.cacheWritten() || v.fromCache(), v.toString());
        }
        assertEquals(2, check.runs().get(), "a failing check runs in every process");
        assertFalse(Files.exists(cache.entry(KEY)), "entry written for a failure");
    }

    @Test
    void anUnwritableCacheOrAnUnknownMachineJustRunsTheCheck(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        var check = new CountedCheck(PASS);
        var v = BlasSelfCheck.decide(
                Optional.of(KEY), Optional.of(new BlasVerdictCache(file.resolve("loralgebra"))), check);
        assertTrue(v.passed() && !v.cacheWritten(), v.toString());
        var unknown = BlasSelfCheck.decide(Optional.empty(), Optional.of(new BlasVerdictCache(dir)), check);
        assertTrue(unknown.passed() && !unknown.cacheWritten(), unknown.toString());
        assertEquals(2, check.runs().get(), "runs of the check");
    }

    @Test
    void theCacheDirectoryFollowsXdgElseHome() {
        assertEquals(
                Optional.of(Path.of("/x/cache/loralgebra")),
                BlasVerdictCache.directory(Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/u"));
        assertEquals(
                Optional.of(Path.of("/home/u/.cache/loralgebra")),
                BlasVerdictCache.directory(Map.of("XDG_CACHE_HOME", "relative/cache"), "/home/u"));
        assertEquals(
                Optional.of(Path.of("/home/u/.cache/loralgebra")), BlasVerdictCache.directory(Map.of(), "/home/u"));
        assertEquals(Optional.empty(), BlasVerdictCache.directory(Map.of(), null));
        assertTrue(BlasSelfCheck.forced("always") && BlasSelfCheck.forced(" ALWAYS "));
        assertFalse(BlasSelfCheck.forced(null) || BlasSelfCheck.forced("") || BlasSelfCheck.forced("cached"));
    }
}
