package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option that takes a value, on every verb that reads adapters and computes, given ten malformed values (signs,
 * zero, NaN, infinities, overflow, an empty string, a word, a fraction for a count): the command works, or stops with
 * exit 2 (bad input) or 64 (usage) and a one-line message. Never exit 70 or a stack trace. Each verb's command runs
 * unchanged first (exit 0), so that the option, not the rest of the line, is what each run tries.
 */
class MalformedOptionValuesTest {
    private static final String[] VALUES = {
        "-1", "0", "NaN", "1e309", "", "abc", "99999999999", "0.5", "-0.0", "-Infinity"
    };

    @TempDir
    Path tmp;

    private int outputs;

    @Test
    void everyValueOfEveryOptionIsWorkedOrRefusedInOneLine() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("inspect", List.of(a));
        commands.put("spectrum", List.of(a));
        commands.put("squeeze", List.of(a, "--rank", "4", "-o", "OUT"));
        commands.put("merge", List.of("--method", "ties", a, b, "-o", "OUT"));
        commands.put("cluster", List.of(a, b, "--k", "8", "-o", "OUT"));
        commands.put("orthogonalize", List.of(a, "--against", b, "-o", "OUT"));
        commands.put("unlearn", List.of("--forget", a, "--retain", b, "-o", "OUT"));
        CommandLine cl = Main.commandLine(Map.of());
        int tried = 0;
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            CliRun base = run(c.getKey(), c.getValue(), List.of());
            assertEquals(ExitCodes.OK, base.status(), c.getKey() + " as written: " + base.err());
            for (OptionSpec o :
                    cl.getSubcommands().get(c.getKey()).getCommandSpec().options()) {
                String name = o.longestName();
                if (o.arity().max() == 0 || name.equals("--backend") || name.equals("-o") || o.usageHelp()) {
                    continue;
                }
                for (String value : VALUES) {
                    CliRun r = run(c.getKey(), c.getValue(), List.of(name + "=" + value));
                    String what =
                            "lora " + c.getKey() + " " + name + "=" + value + ": exit " + r.status() + ", " + r.err();
                    assertTrue(
                            r.status() == ExitCodes.OK
                                    || r.status() == ExitCodes.INPUT
                                    || r.status() == ExitCodes.USAGE,
                            what);
                    assertTrue(!r.err().contains("\tat ") && !r.err().contains("Exception"), what);
                    tried++;
                }
            }
        }
        assertTrue(tried > 300, "values tried: " + tried);
    }

    private CliRun run(String verb, List<String> args, List<String> extra) {
        List<String> line = new ArrayList<>();
        line.add(verb);
        for (String arg : args) {
            line.add(arg.equals("OUT") ? tmp.resolve("out-" + outputs++).toString() : arg);
        }
        line.addAll(extra);
        return CliRun.of(line.toArray(String[]::new));
    }
}
