package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.ExecutionOptions;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code lora --version}: the version Maven recorded in the kernel jar, the Java running it, and the backend
 * providers on the class path (found, not started: a GPU backend is listed without a GPU).
 */
final class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.loralgebra/loralgebra-kernel/pom.properties";

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        lines.add("lora " + version());
        lines.add("Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        lines.add("Backends: " + backends() + " (default " + ExecutionOptions.DEFAULT_BACKEND
                + "; choose with --backend or " + ExecutionOptions.BACKEND_ENV + ")");
        return lines.toArray(String[]::new);
    }

    /** The providers on the class path, {@code name (description)}, comma-separated, or {@code none}. */
    static String backends() {
        List<String> all = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            all.add(p.name() + " (" + p.description() + ")");
        }
        return all.isEmpty() ? "none" : String.join(", ", all);
    }

    /** The kernel jar's Maven version, or a note that this is an unpackaged build (classes directory). */
    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return "(development build: not run from the packaged jar)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(no version in " + POM_PROPERTIES + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + POM_PROPERTIES + " from the kernel jar: " + e.getMessage(), e);
        }
    }
}
