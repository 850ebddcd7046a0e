package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK 24+ native-access options: which JDKs get them, read from the JDK's release file, in kernel.json. */
class NativeAccessOptionsTest {
    private static final List<String> BOTH =
            List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    @TempDir
    Path tmp;

    /** A JDK folder with an (empty) bin/java and a release file saying {@code javaVersion}. */
    private Path jdk(String name, String javaVersion) throws Exception {
        Path home = Files.createDirectories(tmp.resolve(name));
        Path java =
                Files.createFile(Files.createDirectories(home.resolve("bin")).resolve("java"));
        assertTrue(java.toFile().setExecutable(true));
        if (javaVersion != null) {
            Files.writeString(
                    home.resolve("release"),
                    "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + javaVersion + "+9\"\nJAVA_VERSION=\""
                            + javaVersion + "\"\n");
        }
        return java;
    }

    @Test
    void onlyJdk24AndLaterGetThem() {
        assertEquals(List.of(), NativeAccessOptions.forFeature(17));
        assertEquals(List.of(), NativeAccessOptions.forFeature(23));
        assertEquals(BOTH, NativeAccessOptions.forFeature(24));
        assertEquals(BOTH, NativeAccessOptions.forFeature(25));
    }

    @Test
    void theFeatureVersionComesFromTheReleaseFileBesideBin() throws Exception {
        assertEquals(OptionalInt.of(25), NativeAccessOptions.featureOf(jdk("temurin-25", "25.0.3")));
        assertEquals(OptionalInt.of(17), NativeAccessOptions.featureOf(jdk("openjdk-17", "17.0.15")));
        assertEquals(OptionalInt.empty(), NativeAccessOptions.featureOf(jdk("no-release", null)));
        assertEquals(OptionalInt.empty(), NativeAccessOptions.featureOf(tmp.resolve("absent/bin/java")));
        assertEquals(BOTH, NativeAccessOptions.forJava(jdk("temurin-26", "26")));
        assertEquals(List.of(), NativeAccessOptions.forJava(tmp.resolve("no-release/bin/java")));
    }

    @Test
    void aLinkToJavaIsFollowedToItsJdk() throws Exception {
        Path java = jdk("temurin-25", "25.0.3");
        Path link = Files.createSymbolicLink(
                Files.createDirectories(tmp.resolve("usr/bin")).resolve("java"), java);
        assertEquals(OptionalInt.of(25), NativeAccessOptions.featureOf(link));
    }

    @Test
    void thisJvmsReleaseFileAgreesWithItsRuntimeVersion() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        OptionalInt feature = NativeAccessOptions.featureOf(java);
        assertTrue(feature.isPresent(), "no release file beside " + java);
        assertEquals(Runtime.version().feature(), feature.getAsInt());
    }

    @Test
    void aKernelForJdk25CarriesThemAndOneForJdk17DoesNot() throws Exception {
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        List<Path> classpath = List.of(Files.createFile(jars.resolve("kernel.jar")));
        for (String version : List.of("25.0.3", "17.0.15")) {
            Path java = jdk("jdk-" + version, version);
            Path spec = KernelInstaller.builder()
                    .setKernelClasspath(classpath)
                    .setScriptClasspath(classpath)
                    .optJava(java)
                    .build()
                    .installPrefix(tmp.resolve("prefix-" + version));
            List<String> argv = new ObjectMapper()
                    .convertValue(
                            new ObjectMapper()
                                    .readTree(spec.resolve("kernel.json").toFile())
                                    .get("argv"),
                            new TypeReference<List<String>>() {});
            assertEquals(java.toString(), argv.get(0));
            List<String> options = argv.subList(1, argv.indexOf("-cp"));
            if (version.startsWith("25")) {
                assertTrue(options.containsAll(BOTH), options.toString());
            } else {
                assertFalse(options.stream().anyMatch(BOTH::contains), options.toString());
            }
        }
    }
}
