package org.loralgebra.io;

import java.nio.file.Files;
import java.nio.file.Path;

import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.model.AdapterSource;

/** Opens adapters on disk by what they are. */
public final class Adapters {
    private Adapters() {
    }

    /** A sink writing the given format, with config, prefix, extras and metadata from {@code template}. */
    public static AdapterSink sink(org.loralgebra.model.AdapterFormat format, org.loralgebra.model.AdapterMeta template) {
        return switch (format) {
            case PEFT -> org.loralgebra.io.peft.PeftFolderWriter.create(template);
            case KOHYA -> throw new org.loralgebra.LoraException("writing kohya files is not available yet");
        };
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
