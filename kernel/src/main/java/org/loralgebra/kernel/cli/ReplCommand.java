package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loralgebra.kernel.repl.LoraRepl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lora repl}: an interactive Kotlin session with LoRAlgebra imported (see {@link LoraRepl}). */
@Command(
        name = "repl",
        sortOptions = false,
        description = {
            "An interactive Kotlin session with LoRAlgebra imported.",
            "The language, its operators, plot export and the Lets-Plot DSL are imported. Line editing and",
            "history (no history expansion: s!!.length runs as typed); Tab completes names and members; an open",
            "bracket or string continues on the next line; errors are printed and the session goes on; Ctrl-C",
            "interrupts the input that runs and keeps the session; :load FILE runs a file; :quit or Ctrl-D leaves."
        })
public final class ReplCommand implements Callable<Integer> {
    @Option(
            names = "--history",
            paramLabel = "FILE",
            description = "Where the input history is kept (default: ~/.lora_history).")
    Path history;

    @Option(names = "--no-history", description = "Keep no history file.")
    boolean noHistory;

    @Override
    public Integer call() {
        return LoraRepl.onSystemTerminal(noHistory ? null : history != null ? history : LoraRepl.defaultHistoryFile());
    }
}
