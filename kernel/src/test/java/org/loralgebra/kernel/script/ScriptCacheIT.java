package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.kernel.repl.ImportedNames;

/**
 * Compiled scripts are cached: a script run again unchanged is not compiled again (its cache entry is not rewritten,
 * which every compilation does), runs the same and reports its errors at the same lines; a corrupt entry is ignored and
 * rebuilt; a changed script gets an entry of its own.
 */
class ScriptCacheIT {
    @TempDir
    Path tmp;

    private final StringWriter errText = new StringWriter();

    private ScriptRunner runner(Path cacheDir) {
        return new ScriptRunner(
                new PrintWriter(errText, true), false, new ScriptCache(cacheDir, ImportedNames.jvmClasspath()));
    }

    /** Runs {@code script} on a fresh runner (a new `lora run`) with System.out captured; returns what it printed. */
    private String run(Path cacheDir, Path script, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ScriptOutcome outcome = runner(cacheDir).run(script, List.of(args));
            assertEquals(ScriptOutcome.Completed.INSTANCE, outcome, errText.toString());
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<Path> entries(Path cacheDir) throws Exception {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.sorted().toList();
        }
    }

    private static Object identity(Path file) throws Exception {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
    }

    @Test
    void aScriptRunAgainUnchangedRunsFromTheCache() throws Exception {
        Path cache = tmp.resolve("cache");
        Path script = Files.writeString(tmp.resolve("hello.lora.kts"), "println(\"hello, \" + args[0])\n");
        assertEquals("hello, one\n", run(cache, script, "one"));
        List<Path> stored = entries(cache);
        assertEquals(1, stored.size(), "one entry after the first run: " + stored);
        assertTrue(stored.get(0).getFileName().toString().matches("[0-9a-f]{64}\\.jar"), stored.toString());
        Object before = identity(stored.get(0));

        assertEquals("hello, two\n", run(cache, script, "two"));
        assertEquals(stored, entries(cache), "no new entry");
        assertEquals(before, identity(stored.get(0)), "the entry was not rewritten: the script was not compiled");

        Files.writeString(script, "println(\"changed \" + args[0])\n");
        assertEquals("changed three\n", run(cache, script, "three"));
        assertEquals(2, entries(cache).size(), "a changed script has an entry of its own: " + entries(cache));
    }

    @Test
    void aCorruptEntryIsIgnoredAndRebuilt() throws Exception {
        Path cache = tmp.resolve("cache");
        Path script = Files.writeString(tmp.resolve("sum.lora.kts"), "println(args.sumOf { it.toInt() })\n");
        assertEquals("5\n", run(cache, script, "2", "3"));
        Path entry = entries(cache).get(0);
        byte[] good = Files.readAllBytes(entry);
        byte[] bad = Arrays.copyOf(good, good.length);
        for (int i = 64; i < bad.length - 64; i += 97) {
            bad[i] ^= 0x5a; // flipped bits inside the entries: CRCs no longer match
        }
        Files.write(entry, bad);
        assertEquals("9\n", run(cache, script, "4", "5"));
        assertEquals(List.of(entry), entries(cache), "the entry rebuilt in place");
        assertNotEquals(
                Arrays.hashCode(bad), Arrays.hashCode(Files.readAllBytes(entry)), "the corrupt bytes were replaced");

        Files.write(entry, Arrays.copyOf(good, good.length / 2)); // a truncated write
        assertEquals("13\n", run(cache, script, "6", "7"));
    }

    @Test
    void aCachedScriptReportsItsErrorsAtTheSameLine() throws Exception {
        Path cache = tmp.resolve("cache");
        Path script = Files.writeString(tmp.resolve("fails.lora.kts"), "val x = 1\nerror(\"boom \" + x)\n");
        for (int run = 0; run < 2; run++) {
            errText.getBuffer().setLength(0);
            ScriptOutcome outcome = runner(cache).run(script, List.of());
            ScriptOutcome.Failed failed = assertInstanceOf(ScriptOutcome.Failed.class, outcome);
            assertTrue(failed.getReport().startsWith(script + ":2: error: "), "run " + run + ": " + failed.getReport());
            assertTrue(failed.getReport().contains("boom 1"), failed.getReport());
        }
        assertEquals(1, entries(cache).size(), "compiled once: " + entries(cache));
    }
}
