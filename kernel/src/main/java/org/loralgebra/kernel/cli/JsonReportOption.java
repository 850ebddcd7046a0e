package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --json}: print a verb's report as one JSON object (and nothing else on standard output) instead of its
 * readable text. A picocli mixin for every verb that writes a result and reports on it.
 */
public final class JsonReportOption {
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    /** Prints {@code json} and a newline with {@code --json}, else what {@code text} prints; then flushes. */
    void print(PrintWriter out, Supplier<String> json, Consumer<PrintWriter> text) {
        if (this.json) {
            out.println(json.get());
        } else {
            text.accept(out);
        }
        out.flush();
    }
}
