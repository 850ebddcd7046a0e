package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.loralgebra.exec.BackendCheckException;
import org.loralgebra.lang.LoraException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * An exception thrown by a verb. Bad input ({@link LoraException} and its subclasses, files that cannot be read)
 * prints {@code lora: error: <message>} and exits with {@link ExitCodes#INPUT}; anything else is a bug in LoRAlgebra:
 * {@code lora: internal error: ...}, {@link ExitCodes#INTERNAL}. A numerical library that failed its self-check
 * ({@link BackendCheckException}) prints its explanation and exits with {@link ExitCodes#INTERNAL} too: the input is
 * fine, the machine's library is not. The stack trace follows only when asked for with
 * {@code --stacktrace} or {@code LORA_STACKTRACE=1}.
 */
final class ExecutionErrors implements IExecutionExceptionHandler {
    private final boolean stacktraceFromEnvironment;

    ExecutionErrors(boolean stacktraceFromEnvironment) {
        this.stacktraceFromEnvironment = stacktraceFromEnvironment;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int status;
        if (ex instanceof BackendCheckException) {
            err.println("lora: error: " + ex.getMessage());
            status = ExitCodes.INTERNAL;
        } else if (ex instanceof LoraException) {
            err.println("lora: error: " + ex.getMessage());
            status = ExitCodes.INPUT;
        } else if (ex instanceof UncheckedIOException u) {
            err.println("lora: error: " + (u.getMessage() != null ? u.getMessage() : describe(u.getCause())));
            status = ExitCodes.INPUT;
        } else if (ex instanceof IOException io) {
            err.println("lora: error: " + describe(io));
            status = ExitCodes.INPUT;
        } else {
            err.println("lora: internal error: " + ex
                    + (stacktraceRequested(parsed)
                            ? ""
                            : " (a bug in LoRAlgebra; rerun with --stacktrace and report it)"));
            status = ExitCodes.INTERNAL;
        }
        if (stacktraceRequested(parsed)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return status;
    }

    private boolean stacktraceRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--stacktrace")) {
                return true;
            }
        }
        return stacktraceFromEnvironment;
    }

    /** An I/O failure in words, naming the file. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or folder";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": "
                    + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
