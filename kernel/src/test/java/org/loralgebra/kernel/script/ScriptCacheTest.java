package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import kotlin.script.experimental.api.ScriptCompilationConfiguration;
import kotlin.script.experimental.host.StringScriptSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache key: script text and name, and every class path entry's size and time, each change it. */
class ScriptCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theKeyFollowsTheScriptAndTheClassPath() throws Exception {
        Path jar = Files.write(tmp.resolve("dep.jar"), new byte[] {1, 2, 3});
        Path classes = Files.createDirectories(tmp.resolve("classes/org"));
        Path klass = Files.write(classes.resolve("A.class"), new byte[] {4});
        List<Path> classpath = List.of(jar, tmp.resolve("classes"));
        StringScriptSource hello = new StringScriptSource("println(1)", "hello.lora.kts");
        String key = new ScriptCache(tmp.resolve("c"), classpath).key(hello);

        assertEquals(key, new ScriptCache(tmp.resolve("other"), classpath).key(hello), "same inputs, same key");
        assertNotEquals(key, cache(classpath).key(new StringScriptSource("println(2)", "hello.lora.kts")), "text");
        assertNotEquals(key, cache(classpath).key(new StringScriptSource("println(1)", "other.lora.kts")), "name");

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
        String touched = cache(classpath).key(hello);
        assertNotEquals(key, touched, "a jar's time");
        Files.write(jar, new byte[] {1, 2, 3, 4});
        assertNotEquals(touched, cache(classpath).key(hello), "a jar's size");
        String before = cache(classpath).key(hello);
        Files.write(klass, new byte[] {4, 5});
        assertNotEquals(before, cache(classpath).key(hello), "a file in a class folder");
    }

    @Test
    void aMissingEntryIsNoHit() {
        ScriptCache cache = cache(List.of());
        StringScriptSource hello = new StringScriptSource("println(1)", "hello.lora.kts");
        assertNull(cache.get(hello, ScriptCompilationConfiguration.Default.INSTANCE));
    }

    private ScriptCache cache(List<Path> classpath) {
        return new ScriptCache(tmp.resolve("c"), classpath);
    }
}
