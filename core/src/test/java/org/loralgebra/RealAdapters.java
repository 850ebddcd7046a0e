package org.loralgebra;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real adapters the project keeps in {@code examples/adapters/} (trained by other people; see its README). */
public final class RealAdapters {
    private RealAdapters() {}

    /** The folder of a real adapter, found from the working directory upwards. */
    public static Path path(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("examples").resolve("adapters").resolve(name);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "examples/adapters/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
