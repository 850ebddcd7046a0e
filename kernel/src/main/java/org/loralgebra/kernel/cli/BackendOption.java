package org.loralgebra.kernel.cli;

import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code --backend NAME}: the backend every computation of the verb runs on ({@code cpu}, {@code cuda}: a provider
 * on the class path, as {@code lora --version} lists them), in place of {@value ExecutionOptions#BACKEND_ENV} or the
 * default {@value ExecutionOptions#DEFAULT_BACKEND}. A picocli mixin of {@code lora}, inherited by every verb; the
 * backend is made before the verb runs, so a backend that cannot run here is a clear error before any work.
 */
public final class BackendOption {
    /** The option's name. */
    static final String NAME = "--backend";

    @Option(
            names = NAME,
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description = "Backend to compute on: cpu or cuda (default: $" + ExecutionOptions.BACKEND_ENV + ", else "
                    + ExecutionOptions.DEFAULT_BACKEND + "; lora --version lists those available).")
    String name;

    /** The backend named on the command line (on {@code lora} or its verb), or null. */
    static String chosen(ParseResult parsed) {
        String name = null;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            String v = p.matchedOptionValue(NAME, null);
            if (v != null) {
                name = v;
            }
        }
        return name;
    }

    /**
     * Makes the backend named on the command line the process-wide one (nothing when none is named).
     *
     * @throws org.loralgebra.exec.BackendUnavailableException when it cannot run here
     */
    static void apply(ParseResult parsed) {
        String name = chosen(parsed);
        if (name != null) {
            Lora.configure(ExecutionOptions.defaults().withBackend(name));
        }
    }
}
