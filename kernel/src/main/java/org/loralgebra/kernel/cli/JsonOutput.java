package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.loralgebra.io.files.AtomicWrites;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a {@code lora analyze} verb writes its result, the same way as every other verb: a readable table by default,
 * {@code --json} for one JSON object on standard output, {@code -o FILE} for the JSON in a file (written atomically).
 * {@code --text} (the default) is still accepted, for scripts written when JSON was the default.
 */
public final class JsonOutput {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description =
                    "Write the JSON to FILE (standard output then says where; with --json it prints the JSON too).")
    Path output;

    @Option(names = "--json", description = "Print the result as one JSON object instead of a table.")
    boolean json;

    @Option(names = "--text", description = "Print a readable table (the default).")
    boolean text;

    @Mixin
    OverwriteOption overwrite;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * Checks the options, and {@code -o FILE} (see {@link OverwriteOption#checkFile}), before anything is computed.
     *
     * @throws ParameterException for {@code --json} with {@code --text}
     */
    void check() {
        if (json && text) {
            throw new ParameterException(spec.commandLine(), "--json and --text ask for two outputs: choose one");
        }
        if (output != null) {
            overwrite.checkFile(output, "", List.of());
        }
    }

    /** Prints or writes the result. */
    int emit(String json, String table) {
        PrintWriter out = spec.commandLine().getOut();
        if (output != null) {
            AtomicWrites.writeFile(output, tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
        }
        if (this.json) {
            out.print(json);
        } else if (output != null) {
            out.println("wrote " + output);
        } else {
            out.print(table);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
