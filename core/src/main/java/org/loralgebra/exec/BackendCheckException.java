package org.loralgebra.exec;

/**
 * The numerical library under a backend failed its self-check: it returns wrong numbers on this machine, so
 * nothing is computed with it. The message names the routine, what was measured, the processor and the library's
 * kernels, and the way out. Not a problem with the input, and not a bug in LoRAlgebra's own code.
 */
public final class BackendCheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal with its whole explanation. */
    public BackendCheckException(String message) {
        super(message);
    }
}
