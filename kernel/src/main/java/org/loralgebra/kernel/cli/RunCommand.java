package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.kernel.script.ScriptCache;
import org.loralgebra.kernel.script.ScriptOutcome;
import org.loralgebra.kernel.script.ScriptRunner;
import org.loralgebra.lang.LoraException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora run FILE.lora.kts [ARG...]}: compiles and runs a LoRAlgebra script with {@code ARG...} as its
 * {@code args}; arguments that start with {@code -} follow a {@code --}
 * ({@code lora run blend.lora.kts -- --weight 0.3}). A script that does not compile
 * ({@code FILE:LINE:COL: error: message}) or throws ({@code FILE:LINE: error: message}) exits with
 * {@link ExitCodes#INPUT}. Compiled scripts are cached ({@link ScriptCache}) unless {@code --no-cache}.
 */
@Command(
        name = "run",
        description = {
            "Run a LoRAlgebra script, FILE.lora.kts, with the ARGs as its `args`.",
            "Arguments starting with - go after a --: lora run FILE.lora.kts -- --flag.",
            "Scripts are Kotlin with the language, its operators, plot export and the Lets-Plot DSL imported.",
            "A compiled script is kept in $XDG_CACHE_HOME/loralgebra/scripts (default ~/.cache/loralgebra/scripts),",
            "keyed by its text, the class path and the Kotlin version: running it again unchanged skips compiling."
        })
public final class RunCommand implements Callable<Integer> {
    /** System property the launcher sets: the file to leave once the script cache holds the script being run. */
    static final String CACHED_SCRIPT_MARK = "lora.cachedScriptMark";

    @Parameters(index = "0", paramLabel = "FILE", description = "The script, NAME.lora.kts.")
    Path script;

    @Parameters(
            index = "1..*",
            paramLabel = "ARG",
            description = "Arguments for the script (its `args`); those starting with - go after a --.")
    List<String> args = new ArrayList<>();

    @Option(names = "--no-cache", description = "Compile the script even if a compiled copy is cached; cache nothing.")
    boolean noCache;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(script)) {
            throw new LoraException(script + ": no such script file");
        }
        if (!script.getFileName().toString().endsWith(".lora.kts")) {
            throw new LoraException(script + ": expected a script file named NAME.lora.kts");
        }
        PrintWriter err = spec.commandLine().getErr();
        ScriptCache cache = noCache ? null : ScriptCache.forThisJvm();
        ScriptOutcome outcome = new ScriptRunner(err, stackTraces(), cache).run(script, args);
        if (cache != null) {
            markCached(cache);
        }
        return outcome instanceof ScriptOutcome.Completed ? ExitCodes.OK : ExitCodes.INPUT;
    }

    /**
     * Leaves the file the launcher names in {@value #CACHED_SCRIPT_MARK} once {@code cache} holds the script, so that
     * the next run of the unchanged file maps the class-data archive of cached runs (see {@code ./lora}). A mark that
     * cannot be written costs the next run time, nothing else.
     */
    private void markCached(ScriptCache cache) {
        String mark = System.getProperty(CACHED_SCRIPT_MARK);
        if (mark == null || mark.isBlank()) {
            return;
        }
        try {
            Path file = Path.of(mark);
            if (!Files.exists(file) && cache.holds(script)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, new byte[0]);
            }
        } catch (IOException | RuntimeException e) {
            // no mark: the next run maps the compiling runs' archive
        }
    }

    private boolean stackTraces() {
        if ("1".equals(System.getenv(Main.STACKTRACE_ENV))) {
            return true;
        }
        for (CommandLine cl = spec.commandLine(); cl != null; cl = cl.getParent()) {
            if (cl.getParseResult() != null && cl.getParseResult().hasMatchedOption("--stacktrace")) {
                return true;
            }
        }
        return false;
    }
}
