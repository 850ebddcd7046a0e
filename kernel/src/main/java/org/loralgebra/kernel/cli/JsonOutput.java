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
import picocli.CommandLine.Spec;

/**
 * Where a {@code lora analyze} verb writes its result: JSON on standard output, or to {@code -o FILE} (atomically);
 * {@code --text} prints the readable table instead.
 */
public final class JsonOutput {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the JSON to FILE instead of standard output.")
    Path output;

    @Option(names = "--text", description = "Print a readable table instead of JSON.")
    boolean text;

    @Mixin
    OverwriteOption overwrite;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Checks {@code -o FILE} before anything is computed (see {@link OverwriteOption#checkFile}). */
    void check() {
        if (output != null && !text) {
            overwrite.checkFile(output, "", List.of());
        }
    }

    /** Prints or writes the result. */
    int emit(String json, String table) {
        PrintWriter out = spec.commandLine().getOut();
        if (text) {
            out.print(table);
        } else if (output == null) {
            out.print(json);
        } else {
            AtomicWrites.writeFile(output, tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
            out.println("wrote " + output);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
