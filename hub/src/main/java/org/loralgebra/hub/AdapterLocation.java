package org.loralgebra.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where an adapter is read from, by the task that profiles it: a local path as it is, or a path on any other Hadoop
 * file system ({@code hdfs://…}, {@code s3a://…}) copied to a local temporary folder first (the loader reads local
 * files), then deleted.
 */
public final class AdapterLocation {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private AdapterLocation() {}

    /** Whether {@code path} names a file system other than the local one ({@code scheme:…}, not {@code file:}). */
    public static boolean remote(String path) {
        return SCHEME.matcher(path).matches() && !path.startsWith("file:");
    }

    /** The profile of the adapter at {@code path} (local or remote); a failure is an error profile naming it. */
    public static AdapterProfile profile(String path, ProfilePayload payload) {
        if (!remote(path)) {
            Path local = path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
            return AdapterProfile.load(path, local, payload);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lora-hub-");
            Path local = RemoteCopy.into(path, dir.toFile()).toPath();
            return AdapterProfile.load(path, local, payload);
        } catch (IOException | RuntimeException e) {
            return AdapterProfile.failed(
                    path, "cannot copy the adapter from " + path + ": " + AdapterProfile.message(e));
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary copy left behind is not worth failing an analysis for
        }
    }
}
