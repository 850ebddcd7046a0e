package org.loralgebra.lang;

/**
 * The root of every error LoRAlgebra reports about its inputs or expressions. The message is written for
 * the person who gave the input: it names the file, tensor or module, what was expected and what was found.
 */
public class LoraException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LoraException(String message) {
        super(message);
    }

    public LoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
