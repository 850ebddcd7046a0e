package org.loralgebra.model;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where an adapter's weights come from: a folder or file on disk read lazily, or values held in memory.
 * The type and meta are known up front; {@link #read} produces one module's tensors when asked.
 */
public interface AdapterSource {
    /** A short name for messages and plans (the folder name for files on disk). */
    String label();

    /** The folder or file it was read from, if any. */
    Optional<Path> location();

    /** Module names, shapes, ranks and base model. */
    AdapterType type();

    /** Format, config, extra tensors. */
    AdapterMeta meta();

    /** The module's scale (alpha/r) when known without reading tensors. */
    default OptionalDouble scale(String module) {
        return OptionalDouble.empty();
    }

    /**
     * Reads one module's tensors.
     *
     * @throws AdapterTypeException when the source has no such module
     */
    StoredModule read(String module);
}
