package org.loralgebra.kernel.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code lora}, the command line of LoRAlgebra: {@code lora <verb> [options]}. The verbs are listed in
 * {@link Verbs}; errors are reported as {@link ExecutionErrors} and {@link UsageErrors} describe.
 */
@Command(
        name = "lora",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = "Algebra on LoRA adapters (Hugging Face PEFT folders).",
        footer = {
            "",
            "lora hub stats|similarity|cluster PATHS... -o OUT: analyses of many adapters on Apache Spark",
            "(run by the launcher from its own module; see lora hub --help).",
            "",
            "Exit status: 0 success, 2 bad input, 3 out of memory, 64 usage error, 70 internal error.",
            "Environment: LORA_STACKTRACE=1 prints stack traces; LORA_XMX sets the launcher's heap (default 4g);",
            "LORA_BACKEND=cpu|cuda chooses the backend when --backend does not."
        })
public final class Main implements Callable<Integer> {
    /** The environment variable that turns on stack traces, like {@code --stacktrace}. */
    public static final String STACKTRACE_ENV = "LORA_STACKTRACE";

    static {
        // picocli's factory otherwise looks for Groovy's Closure class when first used; that miss searches every jar
        // on the class path (95, the Kotlin compiler's among them): 15 ms of lora inspect's 0.25 s
        System.getProperties().putIfAbsent("picocli.disable.closures", "true");
    }

    @Option(
            names = "--stacktrace",
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (also: LORA_STACKTRACE=1).")
    boolean stacktrace;

    @Mixin
    BackendOption backend;

    @Spec
    CommandSpec spec;

    /** Runs {@code lora} with {@code args} and exits with its status. */
    public static void main(String[] args) {
        // java.util.logging (a warning about non-finite weights, say) as one line: "lora: WARNING: ..."
        System.getProperties().putIfAbsent("java.util.logging.SimpleFormatter.format", "lora: %4$s: %5$s%6$s%n");
        PrintWriter out = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8));
        int status = run(out, err, System.getenv(), args);
        out.flush();
        err.flush();
        WarmUp.finishForArchive();
        System.exit(status);
    }

    /**
     * Runs {@code lora} with {@code args} in this JVM, writing to {@code out} and {@code err}, and returns the exit
     * status ({@link ExitCodes}). {@code env} is consulted for {@value #STACKTRACE_ENV}.
     */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        Optional<Class<?>> verb = invokedVerb(args);
        verb.ifPresent(v -> WarmUp.startFor(v.getAnnotation(Command.class).name(), args));
        return execute(verb.map(v -> commandLine(env, List.of(v))).orElseGet(() -> commandLine(env)), out, err, args);
    }

    /**
     * The verb {@code args} run, when they name one by its name or an alias with nothing before it but
     * {@code --stacktrace}: then {@code lora} is built with that verb alone. Building every verb's picocli model
     * (reflection over 18 command classes and their mixins) was a quarter of {@code lora inspect}'s time; help,
     * version, a missing or misspelt verb still get the whole command, so their messages list every verb.
     */
    static Optional<Class<?>> invokedVerb(String... args) {
        for (String arg : args) {
            if (arg.equals("--stacktrace")) {
                continue;
            }
            if (arg.startsWith("-")) {
                return Optional.empty();
            }
            for (Class<?> verb : Verbs.ALL) {
                Command c = verb.getAnnotation(Command.class);
                if (c != null
                        && (c.name().equals(arg) || Arrays.asList(c.aliases()).contains(arg))) {
                    return Optional.of(verb);
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Runs {@code cl} (a {@link #commandLine}) with {@code args}, reporting running out of memory as an error. */
    static int execute(CommandLine cl, PrintWriter out, PrintWriter err, String... args) {
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("lora: error: out of memory (" + e.getMessage() + "): raise the heap with LORA_XMX (now -Xmx"
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + "m) or ND4J's off-heap limit with LORA_OFFHEAP");
            err.flush();
            return ExitCodes.OUT_OF_MEMORY;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The {@code lora} command with every verb of {@link Verbs} and the error handlers, not yet bound to streams. */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(env, Verbs.ALL);
    }

    /**
     * The {@code lora} command with only {@code verbs}, and the error handlers. The version text ({@link
     * VersionProvider}) is attached after the verbs: picocli asks an inherited provider for its text whenever it adds
     * a verb, and the provider lists the backends, a search of every jar for service files.
     */
    static CommandLine commandLine(Map<String, String> env, List<Class<?>> verbs) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> verb : verbs) {
            cl.addSubcommand(verb);
        }
        attachVersion(cl, new VersionProvider());
        HelpParagraphs.apply(cl);
        cl.setExecutionExceptionHandler(new ExecutionErrors("1".equals(env.get(STACKTRACE_ENV))));
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionStrategy(Main::onChosenBackend);
        return cl;
    }

    /** Gives {@code cl} and every command under it {@code provider} for {@code --version}. */
    private static void attachVersion(CommandLine cl, VersionProvider provider) {
        cl.getCommandSpec().versionProvider(provider);
        for (CommandLine sub : cl.getSubcommands().values()) {
            attachVersion(sub, provider);
        }
    }

    /** Runs the parsed verb on the backend {@code --backend} names, made first (a refusal is the verb's error). */
    private static int onChosenBackend(ParseResult parsed) {
        try {
            BackendOption.apply(parsed);
        } catch (RuntimeException e) {
            ParseResult last = parsed;
            while (last.subcommand() != null) {
                last = last.subcommand();
            }
            throw new ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
        }
        return new RunLast().execute(parsed);
    }

    /** {@code lora} without a verb: a usage error that lists the verbs. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "expected a verb: " + String.join(", ", spec.subcommands().keySet()));
    }
}
