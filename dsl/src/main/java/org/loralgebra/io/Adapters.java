package org.loralgebra.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.loralgebra.io.format.Formats;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * Opens adapters on disk by what they are, and makes sinks that write them: the entry points over the formats of
 * {@link Formats} (PEFT folders of each additive type, kohya / LyCORIS and diffusers single files).
 */
public final class Adapters {
    private Adapters() {
    }

    /**
     * Opens the adapter at {@code path}, reading headers and config only, with the first of {@link Formats#ALL} that
     * recognises it.
     *
     * @throws AdapterFormatException naming the path when it is missing, not an adapter, refused, or malformed
     */
    public static AdapterSource open(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            AtomicWrites.recover(path); // a write killed between its renames left the old adapter beside the path
        }
        return Formats.open(path, options);
    }

    /** A sink writing {@code format}, shaped like {@code template} (config, key prefix, extras, file metadata). */
    public static AdapterSink sink(AdapterFormat format, AdapterMeta template) {
        return sink(format, template, List.of());
    }

    /**
     * A sink writing {@code format}, shaped like {@code template}, that refuses to commit to any of {@code inputs}
     * (the folders and files being read) or to a folder containing one.
     */
    public static AdapterSink sink(AdapterFormat format, AdapterMeta template, Collection<Path> inputs) {
        return Formats.sink(format, template, inputs);
    }
}
