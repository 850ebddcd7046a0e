package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README cannot drift from what it teaches: its script is {@code examples/readme.lora.kts} verbatim (which
 * {@code ReadmeScriptIT} runs), and its verb table has a row for every verb {@code lora --help} lists, naming each of
 * its sub-verbs.
 */
class ReadmeTest {
    private static final Path ROOT = CliRun.repoRoot();

    @Test
    void theReadmeScriptIsTheExampleFileVerbatim() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String script = Files.readString(ROOT.resolve("examples/readme.lora.kts"));
        assertTrue(
                readme.contains("```kotlin\n" + script + "```\n"),
                "README.md must hold examples/readme.lora.kts, unchanged, as a ```kotlin block");
    }

    @Test
    void theVerbTableHasARowForEveryVerb() throws Exception {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        CommandLine lora = Main.commandLine(Map.of());
        for (Map.Entry<String, CommandLine> verb : lora.getSubcommands().entrySet()) {
            String name = verb.getKey();
            if (!verb.getValue().getCommandName().equals(name)) {
                continue; // an alias (`jupyter` for `kernel`): the row names the verb once
            }
            String row = "| `lora " + name;
            List<String> rows = readme.stream()
                    .filter(l -> l.startsWith(row + " ") || l.startsWith(row + "`"))
                    .toList();
            if (rows.isEmpty()) {
                missing.add(name);
            }
            for (String sub : verb.getValue().getSubcommands().keySet()) {
                if (!sub.equals("help") && rows.stream().noneMatch(l -> l.contains(sub))) {
                    missing.add(name + " " + sub);
                }
            }
        }
        assertEquals(List.of(), missing, "verbs without a row in README.md's verb table");
    }
}
