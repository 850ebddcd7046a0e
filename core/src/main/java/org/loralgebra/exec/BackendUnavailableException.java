package org.loralgebra.exec;

import org.loralgebra.lang.LoraException;

/**
 * The backend asked for cannot run here: no provider of that name on the class path, or its device or driver is
 * missing. The message says what was asked for, what was looked for and where, and which backends are available.
 */
public final class BackendUnavailableException extends LoraException {
    private static final long serialVersionUID = 1L;

    /** A refusal with its whole explanation. */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
