package org.loralgebra.hub.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.loralgebra.lang.LoraException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code lora hub}: statistics, similarity and clustering of many adapters on Apache Spark. The launcher runs this
 * class (on the hub module's class path) for {@code lora hub …}. Exit status as {@code lora}'s: 0 success, 2 bad
 * input, 64 usage, 70 internal error.
 */
@Command(
        name = "lora hub",
        scope = ScopeType.INHERIT, // -h/--help on every verb too: "lora hub similarity --help"
        mixinStandardHelpOptions = true,
        usageHelpWidth = 110, // the verbs' descriptions are written in lines of up to 105 characters
        subcommands = {HubStatsCommand.class, HubSimilarityCommand.class, HubClusterCommand.class, HubBenchCommand.class
        },
        description =
                "Analyses of thousands of adapters on Apache Spark (or on one machine): stats, similarity, cluster.",
        footer = {"", "Exit status: 0 success, 2 bad input, 64 usage error, 70 internal error."})
public final class HubCommand implements Callable<Integer> {
    /** Success. */
    static final int OK = 0;
    /** A refused file, value or option. */
    static final int BAD_INPUT = 2;
    /** A usage error. */
    static final int USAGE = 64;
    /** A bug. */
    static final int INTERNAL = 70;

    @Spec
    CommandSpec spec;

    /** Runs {@code lora hub} with {@code args} and exits with its status. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8));
        int status = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs {@code lora hub} in this JVM and returns its exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new HubCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            boolean input = e instanceof LoraException;
            line.getErr().println("lora hub: error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (!input && "1".equals(System.getenv("LORA_STACKTRACE"))) {
                e.printStackTrace(line.getErr());
            }
            line.getErr().flush();
            return input ? BAD_INPUT : INTERNAL;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("lora hub: " + e.getMessage());
            e.getCommandLine().getErr().flush();
            return USAGE;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "expected a verb: stats, similarity or cluster");
    }
}
