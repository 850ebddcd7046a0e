package org.loralgebra.kernel.jupyter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options a JDK needs for ND4J's and JavaCPP's native code (and Kotlin's compiler) to run without warnings,
 * as the {@code lora} launcher passes them. JDK 24 and later print eight lines of warnings when JavaCPP loads a native
 * library (JEP 472) and when sun.misc.Unsafe's memory access is used (JEP 498); in a notebook they land in the
 * output of the first cell that computes. JDK 17 to 23 allow both without being asked, and JDK 17 refuses the second
 * option, so they are given from JDK 24 on only.
 */
final class NativeAccessOptions {
    private static final List<String> ALLOW =
            List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private NativeAccessOptions() {}

    /** The options for a JDK of this feature version (25 for 25.0.3): none below 24. */
    static List<String> forFeature(int feature) {
        return feature >= 24 ? ALLOW : List.of();
    }

    /**
     * The options for the JDK of a {@code java} executable, from the {@code release} file of its installation
     * ({@code JAVA_HOME/release}, next to {@code bin/}); none when that file does not say (an unknown JDK then runs
     * as it would without them: with warnings at worst).
     */
    static List<String> forJava(Path javaExecutable) {
        OptionalInt feature = featureOf(javaExecutable);
        return feature.isPresent() ? forFeature(feature.getAsInt()) : List.of();
    }

    /** The feature version in the {@code release} file of the JDK that holds {@code javaExecutable}, if it says. */
    static OptionalInt featureOf(Path javaExecutable) {
        try {
            Path bin = javaExecutable.toRealPath().getParent();
            Path release = bin == null || bin.getParent() == null
                    ? null
                    : bin.getParent().resolve("release");
            if (release == null || !Files.isRegularFile(release)) {
                return OptionalInt.empty();
            }
            Matcher m = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
            return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
