package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.BackendCheckException;
import org.loralgebra.model.AdapterTypeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The top level of {@code lora}: verbs, help, version, and how errors are reported. */
class MainTest {
    /** A verb that throws what it is told to, to drive the error handler. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @Parameters(index = "0")
        String what;

        @Override
        public Integer call() throws Exception {
            switch (what) {
                case "type" ->
                    throw new AdapterTypeException("cannot combine 'a' (base model x) with 'b' (base model y)");
                case "io" -> throw new UncheckedIOException(null, new NoSuchFileException("/data/a.safetensors"));
                case "checked-io" -> throw new AccessDeniedException("/data/b.safetensors");
                case "oom" -> throw new OutOfMemoryError("Cannot allocate new FloatPointer(268435456)");
                case "blas" ->
                    throw new BackendCheckException("the BLAS/LAPACK library returns wrong numbers on this "
                            + "machine, so LoRAlgebra computes nothing with it. Failed check: LAPACKE_dgesdd (max |UᵀU − I|, "
                            + "120×80): 25.9");
                default -> throw new IllegalStateException("invariant broken");
            }
        }
    }

    private static CliRun runWithFail(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(env);
        cl.addSubcommand(new Fail());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(cl, new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(status, out.toString(), err.toString());
    }

    @Test
    void everyVerbOfTheRegistryIsASubcommandWithHelp() {
        CommandLine cl = Main.commandLine(Map.of());
        assertEquals(Verbs.ALL.size(), new HashSet<>(cl.getSubcommands().values()).size(), "aliases aside");
        for (String verb : cl.getSubcommands().keySet()) {
            CliRun help = CliRun.of(verb, "--help");
            assertEquals(0, help.status(), verb);
            String name = cl.getSubcommands().get(verb).getCommandName();
            assertTrue(help.out().startsWith("Usage: lora " + name), help.out());
            assertTrue(help.out().contains("--stacktrace"), "inherited by " + verb);
        }
        assertTrue(cl.getSubcommands().containsKey("inspect"));
    }

    @Test
    void aVerbRunAloneHasTheSameModelAsInTheWholeCommand() {
        CommandLine whole = Main.commandLine(Map.of());
        for (Class<?> verb : Verbs.ALL) {
            String name = verb.getAnnotation(Command.class).name();
            assertEquals(Optional.of(verb), Main.invokedVerb("--stacktrace", name, "x"), name);
            CommandLine alone = Main.commandLine(Map.of(), List.of(verb));
            assertEquals(
                    whole.getSubcommands().get(name).getUsageMessage(),
                    alone.getSubcommands().get(name).getUsageMessage(),
                    name + ": the same help, built alone or with every verb");
        }
        assertEquals(Optional.empty(), Main.invokedVerb("--help", "inspect"), "top-level help lists every verb");
        assertEquals(Optional.empty(), Main.invokedVerb("inspekt", "x"), "a misspelt verb gets every verb's names");
        assertEquals(Optional.empty(), Main.invokedVerb(), "no verb");
        CliRun misspelt = CliRun.of("inspekt", "x");
        assertEquals(64, misspelt.status(), misspelt.err());
        assertTrue(misspelt.err().contains("inspect"), "suggests the verb: " + misspelt.err());
    }

    @Test
    void helpListsTheVerbsAndExitStatuses() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("Usage: lora "), run.out());
        assertTrue(run.out().contains("inspect"), run.out());
        assertTrue(run.out().contains("64 usage error"), run.out());
    }

    @Test
    void versionNamesLoraAndJava() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("lora " + VersionProvider.version() + "\n"), run.out());
        assertTrue(run.out().contains("Java " + Runtime.version()), run.out());
    }

    @Test
    void aVerbBuiltAloneStillAnswersVersion() {
        CliRun run = CliRun.of("inspect", "--version");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("lora " + VersionProvider.version() + "\n"), run.out());
        assertTrue(run.out().contains("Backends: cpu"), run.out());
    }

    @Test
    void noVerbIsAUsageErrorListingTheVerbs() {
        CliRun run = CliRun.of();
        assertEquals(ExitCodes.USAGE, run.status());
        assertTrue(run.err().startsWith("lora: error: expected a verb: inspect"), run.err());
        assertTrue(run.err().contains("Try 'lora --help'"), run.err());
    }

    @Test
    void mistypedVerbGetsASuggestion() {
        CliRun run = CliRun.of("inspekt", "x");
        assertEquals(ExitCodes.USAGE, run.status());
        assertTrue(run.err().startsWith("lora: error: "), run.err());
        assertTrue(run.err().contains("lora inspect"), run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("inspect", CliRun.adapter("distilbert-imdb").toString(), "--jsn");
        assertEquals(ExitCodes.USAGE, run.status());
        assertTrue(run.err().contains("--jsn"), run.err());
        assertTrue(run.err().contains("--json"), "suggests the option meant: " + run.err());
    }

    @Test
    void loraExceptionsAreOneLineWithStatusTwo() {
        CliRun run = runWithFail(Map.of(), "fail", "type");
        assertEquals(ExitCodes.INPUT, run.status());
        assertEquals("lora: error: cannot combine 'a' (base model x) with 'b' (base model y)\n", run.err());
    }

    @Test
    void stackTraceOnlyWhenAskedFor() {
        String trace = "\tat " + Fail.class.getName() + ".call";
        assertFalse(runWithFail(Map.of(), "fail", "type").err().contains(trace));
        for (CliRun run : new CliRun[] {
            runWithFail(Map.of(), "fail", "type", "--stacktrace"),
            runWithFail(Map.of(), "--stacktrace", "fail", "type"),
            runWithFail(Map.of(Main.STACKTRACE_ENV, "1"), "fail", "type")
        }) {
            assertEquals(ExitCodes.INPUT, run.status());
            assertTrue(run.err().startsWith("lora: error: cannot combine"), run.err());
            assertTrue(run.err().contains("org.loralgebra.model.AdapterTypeException"), run.err());
            assertTrue(run.err().contains(trace), run.err());
        }
        assertFalse(runWithFail(Map.of(Main.STACKTRACE_ENV, "0"), "fail", "type")
                .err()
                .contains(trace));
    }

    @Test
    void unreadableFilesAreInputErrorsNamingTheFile() {
        CliRun unchecked = runWithFail(Map.of(), "fail", "io");
        assertEquals(ExitCodes.INPUT, unchecked.status());
        assertEquals("lora: error: /data/a.safetensors: no such file or folder\n", unchecked.err());
        CliRun checked = runWithFail(Map.of(), "fail", "checked-io");
        assertEquals(ExitCodes.INPUT, checked.status());
        assertEquals("lora: error: /data/b.safetensors: permission denied\n", checked.err());
    }

    @Test
    void aLibraryThatFailsItsSelfCheckIsRefusedWithItsExplanationNotAsABug() {
        CliRun run = runWithFail(Map.of(), "fail", "blas");
        assertEquals(ExitCodes.INTERNAL, run.status());
        assertTrue(run.err().startsWith("lora: error: the BLAS/LAPACK library returns wrong numbers"), run.err());
        assertTrue(run.err().contains("LAPACKE_dgesdd"), run.err());
        assertFalse(run.err().contains("a bug in LoRAlgebra"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void selfCheckSaysWhatWasChecked() {
        CliRun run = CliRun.of("self-check");
        assertEquals(ExitCodes.OK, run.status(), run.err());
        assertTrue(run.out().startsWith("nd4j-cpu, F32: BLAS/LAPACK (OpenBLAS 0.3."), run.out());
        assertTrue(run.out().contains("checks passed in "), "the check ran in this process: " + run.out());
        assertTrue(
                run.out().matches("(?s).*; verdict: checked \\(cached pass before: (yes|no), cache refreshed\\)\\R"),
                run.out());
    }

    @Test
    void otherExceptionsAreInternalErrors() {
        CliRun run = runWithFail(Map.of(), "fail", "bug");
        assertEquals(ExitCodes.INTERNAL, run.status());
        assertTrue(
                run.err().startsWith("lora: internal error: java.lang.IllegalStateException: invariant broken"),
                run.err());
        assertTrue(run.err().contains("--stacktrace"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void runningOutOfMemorySaysWhichKnobToTurn() {
        CliRun run = runWithFail(Map.of(), "fail", "oom");
        assertEquals(ExitCodes.OUT_OF_MEMORY, run.status());
        assertTrue(
                run.err().startsWith("lora: error: out of memory (Cannot allocate new FloatPointer(268435456))"),
                run.err());
        assertTrue(run.err().contains("LORA_XMX") && run.err().contains("LORA_OFFHEAP"), run.err());
    }
}
