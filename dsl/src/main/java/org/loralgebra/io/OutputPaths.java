package org.loralgebra.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where a sink may write. A target may not be one of the inputs being read, nor a folder holding one; an
 * existing folder is replaced only when it holds nothing but adapter files, so that a mistyped path never
 * deletes someone's work.
 */
public final class OutputPaths {
    /** The files an adapter folder may hold; a folder holding anything else is not replaced. */
    public static final Set<String> ADAPTER_FILES = Set.of("adapter_config.json", "adapter_model.safetensors",
            "adapter_model.bin", "README.md");

    private OutputPaths() {
    }

    /** {@code paths} made absolute and normalized, for comparison with a target. */
    public static List<Path> normalized(Collection<Path> paths) {
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * Refuses a target that is an input or contains one.
     *
     * @throws AdapterFormatException naming the target and the input
     */
    public static void checkNotInput(Path target, Collection<Path> inputs) {
        Path out = target.toAbsolutePath().normalize();
        for (Path input : normalized(inputs)) {
            if (out.equals(input) || input.startsWith(out) || sameFile(out, input)) {
                throw new AdapterFormatException(target, "is an input of this write (" + input + "); writing there would "
                        + "replace what is being read. Choose another output path");
            }
        }
    }

    /**
     * Refuses to replace an existing folder that holds anything besides {@link #ADAPTER_FILES}, or a target
     * that exists and is not a folder.
     */
    public static void checkReplaceableFolder(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new AdapterFormatException(target, "exists and is not a folder; an adapter folder was to be written here");
        }
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> entries = Files.list(target)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                if (!ADAPTER_FILES.contains(name) || !Files.isRegularFile(p)) {
                    foreign.add(name);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target + ": " + e.getMessage(), e);
        }
        if (!foreign.isEmpty()) {
            foreign.sort(null);
            throw new AdapterFormatException(target, "exists and holds " + foreign.size() + " entries that are not adapter files "
                    + foreign.subList(0, Math.min(5, foreign.size())) + "; refusing to replace it. Write to a new or empty "
                    + "folder, or to an existing adapter folder (holding only " + ADAPTER_FILES.stream().sorted().toList() + ")");
        }
    }

    /**
     * Refuses a file target that is a folder or whose name lacks {@code suffix}.
     */
    public static void checkFileTarget(Path target, String suffix) {
        if (Files.isDirectory(target)) {
            throw new AdapterFormatException(target, "is a folder; a single " + suffix + " file was to be written here");
        }
        if (!target.getFileName().toString().endsWith(suffix)) {
            throw new AdapterFormatException(target, "the file name must end in " + suffix + " (so that it opens as this format)");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
