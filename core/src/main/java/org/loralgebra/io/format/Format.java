package org.loralgebra.io.format;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * One on-disk adapter format: how it is recognised, how it is read, and — where LoRAlgebra writes it — how it is
 * written. {@link Formats#ALL} asks each format in turn; the first that recognises a path reads it. A format that
 * is recognised only to be refused (a pickle, a non-additive PEFT type) throws from {@link #read} with the reason.
 */
public interface Format {
    /** What the format is called in messages, such as {@code "a PEFT adapter folder"}. */
    String name();

    /**
     * How the format is recognised, in words, for the message given when no format recognises a path (empty for
     * formats that are only recognised to be refused).
     */
    String signature();

    /** Whether this format claims the path: from the path kind, file name, header keys or {@code peft_type}, cheaply. */
    boolean recognises(Probe probe);

    /**
     * Reads the adapter: headers and config now, tensors lazily when a module is read.
     *
     * @throws org.loralgebra.lang.AdapterFormatException naming the file, tensor and module of the first problem, or
     *                                                  why the format is refused
     */
    AdapterSource read(Probe probe, LoadOptions options);

    /** The {@link AdapterFormat} this format's writer writes, if it has one. */
    default Optional<AdapterFormat> writes() {
        return Optional.empty();
    }

    /**
     * A sink writing this format, shaped like {@code template}, that refuses to commit over any of {@code inputs}.
     *
     * @throws UnsupportedOperationException when the format is read-only ({@link #writes()} is empty)
     */
    default AdapterSink sink(AdapterMeta template, Collection<Path> inputs) {
        throw new UnsupportedOperationException(name() + " is read, not written");
    }
}
