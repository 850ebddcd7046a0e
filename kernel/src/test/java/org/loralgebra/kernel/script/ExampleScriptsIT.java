package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every {@code examples/*.lora.kts} compiles against the current API (ScriptRunnerIT runs some of them). */
class ExampleScriptsIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("loralgebra.examplesDir", "../examples"));
    private final ScriptRunner runner = new ScriptRunner();

    @TestFactory
    Stream<DynamicTest> everyExampleScriptCompiles() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            scripts = s.filter(p -> p.getFileName().toString().endsWith(".lora.kts"))
                    .sorted()
                    .toList();
        }
        assertFalse(scripts.isEmpty(), "no example scripts in " + EXAMPLES);
        return scripts.stream()
                .map(script -> DynamicTest.dynamicTest(
                        script.getFileName().toString(), () -> assertEquals(List.of(), runner.check(script))));
    }

    @Test
    void checkReportsCompileErrorsWithoutRunning() {
        Path broken = Path.of("src/test/resources/scripts/broken.lora.kts");
        assertEquals(List.of(broken + ":3:9: error: Unresolved reference 'nope'."), runner.check(broken));
    }
}
