package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options that several verbs take are declared once (picocli mixins) and so read the same in every verb's help:
 * the same names, label and description, and the same checks with the same words.
 */
class SharedOptionsTest {
    private static final Path IMDB = CliRun.adapter("distilbert-imdb");
    private static final Path EMOTION = CliRun.adapter("distilbert-emotion");

    @TempDir
    Path tmp;

    /** Every command of {@code lora} by its qualified name ({@code lora analyze intruders}). */
    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> out = new TreeMap<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine(Map.of())));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(todo.size() - 1);
            out.put(c.getCommandSpec().qualifiedName(), c);
            todo.addAll(c.getSubcommands().values());
        }
        return out;
    }

    /** Per distinct rendering of {@code option} (names, label, description), the verbs that take it so. */
    private static Map<String, Set<String>> renderings(String option) {
        Map<String, Set<String>> out = new TreeMap<>();
        commands().forEach((name, c) -> {
            OptionSpec o = c.getCommandSpec().findOption(option);
            if (o != null) {
                String text =
                        String.join(", ", o.names()) + "=" + o.paramLabel() + ": " + String.join(" ", o.description());
                out.computeIfAbsent(text, k -> new TreeSet<>()).add(name);
            }
        });
        return out;
    }

    /** The verbs that take {@code option}, which must read the same in all of them (one rendering). */
    private static Set<String> verbsTaking(String option) {
        Map<String, Set<String>> r = renderings(option);
        assertEquals(1, r.size(), option + " reads differently in some verbs: " + r);
        return r.values().iterator().next();
    }

    @Test
    void eachSharedOptionReadsTheSameInEveryVerbThatTakesIt() {
        Map<String, Set<String>> modules = renderings("--modules");
        assertEquals(1, modules.size(), modules.toString());
        assertEquals(
                Set.of(
                        "lora spectrum",
                        "lora analyze spectrum",
                        "lora analyze similarity",
                        "lora analyze interference",
                        "lora analyze intruders",
                        "lora plot spectrum",
                        "lora plot heatmap",
                        "lora plot similarity",
                        "lora plot interference",
                        "lora plot intruders"),
                modules.values().iterator().next());

        Map<String, Set<String>> seed = renderings("--seed");
        assertEquals(1, seed.size(), seed.toString());
        assertTrue(seed.keySet().iterator().next().startsWith("-s, --seed=S: "), seed.toString());
        assertEquals(
                Set.of("lora merge", "lora cluster", "lora analyze intruders", "lora plot intruders", "lora route"),
                seed.values().iterator().next());

        Set<String> overwrite = verbsTaking("--overwrite");
        assertTrue(
                overwrite.containsAll(Set.of(
                        "lora squeeze",
                        "lora merge",
                        "lora cluster",
                        "lora bake",
                        "lora orthogonalize",
                        "lora unlearn",
                        "lora route",
                        "lora analyze spectrum",
                        "lora plot intruders")),
                overwrite.toString());

        // every verb that reads adapters takes --base-model
        Set<String> baseModel = verbsTaking("--base-model");
        assertTrue(
                baseModel.containsAll(Set.of(
                        "lora inspect",
                        "lora squeeze",
                        "lora merge",
                        "lora cluster",
                        "lora bake",
                        "lora orthogonalize",
                        "lora unlearn",
                        "lora reduce-intruders",
                        "lora route",
                        "lora analyze similarity",
                        "lora analyze interference",
                        "lora plot similarity",
                        "lora plot interference")),
                baseModel.toString());

        // the verbs that sum, scale, truncate or project updates can drop DoRA state on request
        assertEquals(
                Set.of(
                        "lora merge",
                        "lora cluster",
                        "lora squeeze",
                        "lora orthogonalize",
                        "lora unlearn",
                        "lora route",
                        "lora reduce-intruders"),
                verbsTaking("--without-dora"));

        Map<String, Set<String>> alpha = renderings("--alpha");
        assertEquals(1, alpha.size(), alpha.toString());
        assertTrue(
                alpha.values().iterator().next().contains("lora squeeze"), "squeeze reads --alpha as every verb does");

        Map<String, Set<String>> output = renderings("-o");
        Set<String> adapterOutputs = output.get("-o, --output=OUT: Output adapter folder.");
        assertEquals(
                Set.of(
                        "lora squeeze",
                        "lora merge",
                        "lora cluster",
                        "lora orthogonalize",
                        "lora unlearn",
                        "lora reduce-intruders"),
                adapterOutputs,
                output.toString());

        Map<String, Set<String>> json = renderings("--json");
        assertEquals(
                Set.of(
                        "lora bake",
                        "lora orthogonalize",
                        "lora unlearn",
                        "lora reduce-intruders",
                        "lora route",
                        "lora merge",
                        "lora cluster",
                        "lora squeeze",
                        "lora lab merge",
                        "lora lab route",
                        "lora lab unlearn",
                        "lora lab intruders"),
                json.get("--json=<json>: Print the report as JSON."),
                json.toString());
    }

    @Test
    void sharedChecksRefuseWithTheSameWordsBeforeAnythingIsWritten() {
        Path out = tmp.resolve("out");
        CliRun squeeze = CliRun.of("squeeze", IMDB.toString(), "--rank", "0", "-o", out.toString());
        CliRun orthogonalize = CliRun.of(
                "orthogonalize", IMDB.toString(), "--against", EMOTION.toString(), "--rank", "0", "-o", out.toString());
        for (CliRun run : List.of(squeeze, orthogonalize)) {
            assertEquals(ExitCodes.USAGE, run.status(), run.err());
            assertTrue(run.err().contains("--rank must be ≥ 1, got 0"), run.err());
        }
        CliRun alpha = CliRun.of("squeeze", IMDB.toString(), "--rank", "2", "--alpha", "-1", "-o", out.toString());
        CliRun inspect = CliRun.of("inspect", IMDB.toString(), "--alpha", "-1");
        for (CliRun run : List.of(alpha, inspect)) {
            assertEquals(ExitCodes.USAGE, run.status(), run.err());
            assertTrue(run.err().contains("--alpha must be a positive number, got -1.0"), run.err());
        }
        CliRun energy = CliRun.of("squeeze", IMDB.toString(), "--energy", "1.5", "-o", out.toString());
        CliRun stats = CliRun.of("analyze", "spectrum", IMDB.toString(), "--energy", "1.5");
        for (CliRun run : List.of(energy, stats)) {
            assertEquals(ExitCodes.USAGE, run.status(), run.err());
            assertTrue(run.err().contains("--energy must be in (0, 1], got 1.5"), run.err());
        }
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aSharedOutputSavesAndReportsWhatWasWritten() {
        Path out = tmp.resolve("squeezed");
        CliRun run = CliRun.of("squeeze", IMDB.toString(), "--rank", "3", "--alpha", "32", "-o", out.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("wrote " + out + ": 12 modules, rank 3\n", run.out());
        CliRun again = CliRun.of("squeeze", IMDB.toString(), "--rank", "3", "-o", out.toString());
        assertEquals(ExitCodes.INPUT, again.status(), "an existing adapter is replaced only with --overwrite");
        assertEquals(
                0,
                CliRun.of("squeeze", IMDB.toString(), "--rank", "2", "-o", out.toString(), "--overwrite")
                        .status());
    }
}
