package org.loralgebra.lang;

import java.nio.file.Path;

/**
 * A file that is not what it claims to be: a malformed safetensors file, an adapter folder with missing or
 * inconsistent tensors, a config that disagrees with the weights. The message names the file and, where
 * known, the tensor and module, with what was expected and what was found.
 */
public final class AdapterFormatException extends LoraException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public AdapterFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public AdapterFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }

    /** A problem with one tensor: {@code file: tensor 'name': expected ..., found ...}. */
    public static AdapterFormatException tensor(Path file, String tensor, String expected, String found) {
        return new AdapterFormatException(file, "tensor '" + tensor + "': expected " + expected + ", found " + found);
    }
}
