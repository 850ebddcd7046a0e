package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code lora --version}: the version Maven recorded in the kernel jar, and the Java running it. */
final class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.loralgebra/loralgebra-kernel/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "lora " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
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
