package org.loralgebra.kernel.jupyter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A classpath written to a file by the build ({@code target/*.classpath}): entries separated by the
 * platform's path separator, on one or more lines.
 */
public final class ClasspathFile {
    private ClasspathFile() {}

    /**
     * The entries of the classpath file {@code file}, as absolute paths, in order.
     *
     * @throws IllegalArgumentException when the file is missing or empty (naming the Maven step that
     *                                  writes it)
     */
    public static List<Path> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("classpath file " + file + " does not exist: build the project first"
                    + " (mvn -B package -DskipTests writes it)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath file " + file + ": " + e.getMessage(), e);
        }
        List<Path> entries = new ArrayList<>();
        for (String entry : text.split("[" + File.pathSeparator + "\\r\\n]+")) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry.strip()).toAbsolutePath());
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("classpath file " + file + " is empty: expected jar paths separated by '"
                    + File.pathSeparator + "'");
        }
        return List.copyOf(entries);
    }
}
