package org.loralgebra.io;

import java.nio.file.Files;
import java.nio.file.Path;

import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.model.AdapterSource;

/** Opens adapters on disk by what they are. */
public final class Adapters {
    private Adapters() {
    }

    /** A sink writing the given format (until the writers land: not available). */
    public static AdapterSink sink(org.loralgebra.model.AdapterFormat format, org.loralgebra.model.AdapterMeta template) {
        throw new UnsupportedOperationException("writers land with the I/O branch");
    }

    /** A PEFT folder. */
    public static AdapterSource open(Path path, LoadOptions options) {
        if (Files.isDirectory(path)) {
            return PeftFolder.read(path, options);
        }
        throw new AdapterFormatException(path, "not found or not an adapter folder (expected a folder holding "
                + PeftFolder.CONFIG + " and " + PeftFolder.WEIGHTS + ")");
    }
}
