package org.loralgebra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A JDK newer than the one running the build, for tests that run the product on it: {@code LORA_TEST_NEWER_JDK} when
 * set, else the newest JDK under {@code /usr/lib/jvm} (Temurin 25 on the project's machines), kept when its feature
 * version is at least the one asked for.
 */
public final class NewerJdk {
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    /** The JVM's own warnings start a line with it; LoRAlgebra's say {@code lora: WARNING:}. */
    private static final Pattern JVM_WARNING = Pattern.compile("(?m)^WARNING:");

    private NewerJdk() {}

    /** The JDK folder (holding {@code bin/java}) of feature version {@code atLeast} or later, if this machine has one. */
    public static Optional<Path> atLeast(int atLeast) throws IOException {
        String named = System.getenv("LORA_TEST_NEWER_JDK");
        if (named != null && !named.isBlank()) {
            Path jdk = Path.of(named);
            if (!Files.isExecutable(jdk.resolve("bin/java"))) {
                throw new IllegalStateException("LORA_TEST_NEWER_JDK=" + named + " has no bin/java");
            }
            return feature(jdk) >= atLeast ? Optional.of(jdk) : Optional.empty();
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.filter(jdk -> Files.isExecutable(jdk.resolve("bin/java")) && !Files.isSymbolicLink(jdk))
                    .max(Comparator.comparingInt(NewerJdk::feature))
                    .filter(jdk -> feature(jdk) >= atLeast);
        }
    }

    /**
     * The JDK of {@link #atLeast}, or the calling test is skipped (an assumption), saying that the checks on a newer
     * JDK did not run.
     */
    public static Path required(int atLeast) throws IOException {
        Optional<Path> jdk = atLeast(atLeast);
        Assumptions.assumeTrue(
                jdk.isPresent(),
                "no JDK " + atLeast
                        + " or later in LORA_TEST_NEWER_JDK or /usr/lib/jvm: the newer-JDK checks did not run");
        System.out.println("newer JDK: " + jdk.get() + " (feature " + feature(jdk.get()) + ")");
        return jdk.get();
    }

    /** The feature version in a JDK folder's {@code release} file (25 for 25.0.3); 0 when it does not say. */
    public static int feature(Path jdk) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(jdk.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The JDK running this test. */
    public static Path running() {
        return Path.of(System.getProperty("java.home"));
    }

    /** Whether {@code text} holds a warning of the JVM itself (a line starting {@code WARNING:}). */
    public static boolean hasJvmWarning(CharSequence text) {
        return JVM_WARNING.matcher(text).find();
    }
}
