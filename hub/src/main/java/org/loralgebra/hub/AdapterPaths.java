package org.loralgebra.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;
import org.loralgebra.lang.LoraException;

/**
 * The adapters named on a command line, in order, each once. An argument is:
 * <ul>
 *   <li>an adapter: a folder with {@code adapter_config.json} or {@code adapter_model.safetensors}, or a
 *       {@code .safetensors} file;</li>
 *   <li>a folder of adapters (a hub): its sub-folders and {@code .safetensors} files that are adapters, by name, and
 *       the {@code .safetensors} files of its other sub-folders;</li>
 *   <li>a glob ({@code hub/*}, {@code runs/*&#47;adapter}): what it matches, by name, each read as above;</li>
 *   <li>a list: any other file, one argument per line (blank lines and {@code #} comments skipped; relative paths
 *       relative to the list's folder);</li>
 *   <li>a path on another Hadoop file system ({@code hdfs://…}): passed on as it is, read by the executor.</li>
 * </ul>
 * A path that does not exist is kept: its adapter becomes an error row, as any unreadable adapter.
 */
public final class AdapterPaths {
    private AdapterPaths() {}

    /**
     * The adapters the arguments name.
     *
     * @throws LoraException when they name none
     */
    public static List<String> expand(List<String> args) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String a : args) {
            add(a, null, out, 0);
        }
        if (out.isEmpty()) {
            throw new LoraException("no adapters found in " + args);
        }
        return List.copyOf(out);
    }

    private static void add(String arg, Path listDir, LinkedHashSet<String> out, int depth) {
        if (depth > 8) {
            throw new LoraException("lists of adapters nest more than 8 deep at '" + arg + "'");
        }
        if (AdapterLocation.remote(arg)) {
            out.add(arg);
            return;
        }
        Path p = Path.of(arg);
        if (listDir != null && !p.isAbsolute()) {
            p = listDir.resolve(p);
        }
        if (isGlob(arg)) {
            glob(p).forEach(m -> addPath(m, out, depth));
            return;
        }
        addPath(p, out, depth);
    }

    private static void addPath(Path p, LinkedHashSet<String> out, int depth) {
        if (isAdapter(p) || !Files.exists(p)) {
            out.add(p.toString());
        } else if (Files.isDirectory(p)) {
            try (Stream<Path> children = Files.list(p)) {
                children.sorted().forEach(c -> {
                    if (isAdapter(c)) {
                        out.add(c.toString());
                    } else if (Files.isDirectory(c)) {
                        singleFiles(c).forEach(f -> out.add(f.toString()));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the folder " + p, e);
            }
        } else {
            List<String> lines;
            try {
                lines = Files.readAllLines(p);
            } catch (IOException e) {
                throw new LoraException("cannot read the list of adapters " + p + ": " + e.getMessage());
            }
            Path dir = p.toAbsolutePath().getParent();
            for (String line : lines) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    add(t, p.getParent() == null ? dir : p.getParent(), out, depth + 1);
                }
            }
        }
    }

    /** The .safetensors files directly in a folder that is not a PEFT folder (diffusers' single files). */
    private static List<Path> singleFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(AdapterPaths::isAdapter)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the folder " + dir, e);
        }
    }

    /** Whether {@code p} is an adapter: a PEFT folder or a .safetensors file. */
    static boolean isAdapter(Path p) {
        if (Files.isDirectory(p)) {
            return Files.exists(p.resolve("adapter_config.json"))
                    || Files.exists(p.resolve("adapter_model.safetensors"));
        }
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".safetensors");
    }

    private static boolean isGlob(String arg) {
        return arg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** The paths a glob matches, by name: walked from its longest folder prefix without glob characters. */
    private static List<Path> glob(Path pattern) {
        Path root = pattern.isAbsolute() ? pattern.getRoot() : Path.of("");
        int i = 0;
        for (; i < pattern.getNameCount(); i++) {
            if (isGlob(pattern.getName(i).toString())) {
                break;
            }
            root = root.resolve(pattern.getName(i));
        }
        int depth = pattern.getNameCount() - i;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root.toString().isEmpty() ? Path.of(".") : root)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(root, depth)) {
            walk.filter(m::matches).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + root, e);
        }
        return out;
    }
}
