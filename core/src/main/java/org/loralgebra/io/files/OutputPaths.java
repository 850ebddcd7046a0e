package org.loralgebra.io.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;

/**
 * Where a write may go, checked before anything is computed. A target may not be the working directory or a
 * folder holding it ({@code -o .} inside an adapter folder would replace the folder the user is in), nor one of the
 * inputs being read or a folder holding one (compared both as written and with links resolved); its nearest
 * existing folder must accept a new entry (tried for real, so the message carries the operating system's reason);
 * an existing folder is replaced only when it holds nothing but adapter files, so that a mistyped path never
 * deletes someone's work, and an existing adapter only when the caller asked to overwrite.
 */
public final class OutputPaths {
    /** The files an adapter folder may hold; a folder holding anything else is not replaced. */
    public static final Set<String> ADAPTER_FILES =
            Set.of("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin", "README.md");

    /** The file name suffix of single-file adapters. */
    public static final String SAFETENSORS = ".safetensors";

    private OutputPaths() {}

    /** {@code paths} made absolute and normalized, for comparison with a target. */
    public static List<Path> normalized(Collection<Path> paths) {
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * Refuses a target that is the working directory, an input, or a folder holding either.
     *
     * @throws AdapterFormatException naming the target and the input or working directory
     */
    public static void checkNotInput(Path target, Collection<Path> inputs) {
        Path out = target.toAbsolutePath().normalize();
        Path realOut = real(out);
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(out) || real(cwd).startsWith(realOut)) {
            throw new AdapterFormatException(
                    target,
                    (cwd.equals(out) ? "is the working directory" : "holds the working " + "directory (" + cwd + ")")
                            + "; writing there would replace the folder you are working in. "
                            + "Choose another output path");
        }
        for (Path input : normalized(inputs)) {
            if (out.equals(input) || input.startsWith(out) || real(input).startsWith(realOut) || sameFile(out, input)) {
                throw new AdapterFormatException(
                        target,
                        (out.equals(input)
                                        ? "is an input of this write"
                                        : "holds an input of " + "this write (" + input + ")")
                                + "; writing there would replace what is being read. Choose another "
                                + "output path");
            }
        }
    }

    /**
     * Every check of an adapter folder target, to run before any computation: {@link #checkNotInput}, a parent that
     * accepts new entries ({@link #checkWritable}), {@link #checkReplaceableFolder}, and, when the folder exists
     * holding adapter files, {@code overwrite}.
     *
     * @throws AdapterFormatException naming the target and what is wrong with it
     */
    public static void checkFolderTarget(Path target, Collection<Path> inputs, boolean overwrite) {
        checkNotInput(target, inputs);
        checkReplaceableFolder(target);
        if (!overwrite && Files.isDirectory(target) && !isEmptyFolder(target)) {
            throw new AdapterFormatException(
                    target,
                    "exists and holds an adapter; replacing it needs --overwrite (API: "
                            + "SaveOptions.withOverwrite(true)). Nothing was written");
        }
        checkWritable(target);
    }

    /**
     * Every check of a target of {@code format}, to run before any computation: {@link #checkFolderTarget} for a
     * format written as a folder, {@link #checkFileTarget(Path, String, Collection, boolean)} of a {@code .safetensors}
     * file for a single-file one.
     *
     * @throws AdapterFormatException naming the target and what is wrong with it
     */
    public static void checkAdapterTarget(
            AdapterFormat format, Path target, Collection<Path> inputs, boolean overwrite) {
        if (format.folder()) {
            checkFolderTarget(target, inputs, overwrite);
        } else {
            checkFileTarget(target, SAFETENSORS, inputs, overwrite);
        }
    }

    /**
     * Every check of a folder target that may hold any files (a baked model): {@link #checkNotInput}, not an existing
     * file, a parent that accepts new entries, and, when the folder exists and is not empty, {@code overwrite}.
     *
     * @throws AdapterFormatException naming the target and what is wrong with it
     */
    public static void checkModelFolderTarget(Path target, Collection<Path> inputs, boolean overwrite) {
        checkNotInput(target, inputs);
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new AdapterFormatException(target, "exists and is not a folder; a folder was to be written here");
        }
        if (!overwrite && Files.isDirectory(target) && !isEmptyFolder(target)) {
            throw new AdapterFormatException(
                    target,
                    "exists and is not empty; replacing it needs --overwrite (API: "
                            + "overwrite set to true). Nothing was written");
        }
        checkWritable(target);
    }

    /**
     * Every check of a single-file target, to run before any computation: {@link #checkNotInput}, a name ending in
     * {@code suffix} that is not a folder ({@link #checkFileTarget}), a parent that accepts new entries, and, when the
     * file exists, {@code overwrite}.
     *
     * @throws AdapterFormatException naming the target and what is wrong with it
     */
    public static void checkFileTarget(Path target, String suffix, Collection<Path> inputs, boolean overwrite) {
        checkNotInput(target, inputs);
        checkFileTarget(target, suffix);
        if (!overwrite && Files.exists(target)) {
            throw new AdapterFormatException(
                    target,
                    "exists; replacing it needs --overwrite (API: "
                            + "SaveOptions.withOverwrite(true)). Nothing was written");
        }
        checkWritable(target);
    }

    /**
     * Refuses a target whose nearest existing ancestor folder does not accept a new entry, found by creating and
     * removing a hidden probe folder there: the message carries the operating system's reason ("Permission
     * denied", "Read-only file system", "Not a directory").
     *
     * @throws AdapterFormatException naming the target, the folder tried and the reason
     */
    public static void checkWritable(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AdapterFormatException(target, "no folder of this path exists, not even the root");
        }
        if (!Files.isDirectory(dir)) {
            throw new AdapterFormatException(target, "cannot be created: " + dir + " is a file (Not a directory)");
        }
        Path probe = dir.resolve(".lora-write-probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new AdapterFormatException(
                    target, "cannot be written: creating an entry in " + dir + " failed (" + reason(e) + ")", e);
        }
    }

    /** The operating system's reason for {@code e}, in its words where Java keeps them. */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static boolean isEmptyFolder(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code p} with every link of its longest existing prefix resolved (the rest appended as written). */
    private static Path real(Path p) {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            Path r = existing.toRealPath();
            return rest == null ? r : r.resolve(rest);
        } catch (IOException e) {
            return p;
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
            throw new AdapterFormatException(
                    target, "exists and is not a folder; an adapter folder was to be written here");
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
            throw new AdapterFormatException(
                    target,
                    "exists and holds " + foreign.size() + " entries that are not adapter files "
                            + foreign.subList(0, Math.min(5, foreign.size()))
                            + "; refusing to replace it. Write to a new or empty "
                            + "folder, or to an existing adapter folder (holding only "
                            + ADAPTER_FILES.stream().sorted().toList() + ")");
        }
    }

    /**
     * Refuses a file target that is a folder or whose name lacks {@code suffix}.
     */
    public static void checkFileTarget(Path target, String suffix) {
        if (Files.isDirectory(target)) {
            throw new AdapterFormatException(
                    target, "is a folder; a single " + suffix + " file was to be written here");
        }
        if (!target.getFileName().toString().endsWith(suffix)) {
            throw new AdapterFormatException(
                    target, "the file name must end in " + suffix + " (so that it opens as this format)");
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
