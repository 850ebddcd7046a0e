package org.loralgebra.exec.nd4j;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything that decides which machine code OpenBLAS runs here and whether its answers can change, as the key of a
 * cached self-check verdict: a pass recorded under one key says nothing about any other.
 *
 * @param checkVersion the self-check's own version ({@link BlasSelfCheck#CHECK_VERSION}), bumped when it changes
 * @param cpuModel     the processor's model name ({@code /proc/cpuinfo})
 * @param cpuFlags     the processor's feature flags, which OpenBLAS's dynamic dispatch reads
 * @param openblasEnv  every {@code OPENBLAS_*} environment variable ({@code OPENBLAS_CORETYPE},
 *                     {@code OPENBLAS_VERBOSE}, {@code OPENBLAS_L2_SIZE}, …) with its value
 * @param openblasBuild the OpenBLAS version and build-time core name of the preset on the class path
 * @param nativeFiles  each loaded native OpenBLAS library file: its path, size and modification time
 * @param nd4jVersion  the ND4J jar on the class path: its path, size and modification time
 * @param javacppVersion JavaCPP's version
 */
record BlasCheckKey(
        int checkVersion,
        String cpuModel,
        Set<String> cpuFlags,
        SortedMap<String, String> openblasEnv,
        String openblasBuild,
        String nativeFiles,
        String nd4jVersion,
        String javacppVersion) {
    BlasCheckKey {
        cpuFlags = Set.copyOf(cpuFlags);
        openblasEnv = new TreeMap<>(openblasEnv);
    }

    /**
     * This process's key, or empty where the processor cannot be identified (not Linux, no {@code /proc/cpuinfo}):
     * there the check runs every time.
     */
    static Optional<BlasCheckKey> current() {
        CpuDescription cpu = CpuDescription.current();
        if (cpu.flags().isEmpty()) {
            return Optional.empty();
        }
        SortedMap<String, String> env = new TreeMap<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (e.getKey().startsWith("OPENBLAS_")) {
                env.put(e.getKey(), e.getValue());
            }
        }
        return Optional.of(new BlasCheckKey(
                BlasSelfCheck.CHECK_VERSION,
                cpu.model(),
                cpu.flags(),
                env,
                BlasSelfCheck.openblasVersion() + " " + BlasSelfCheck.openblasCoreName(),
                nativeOpenblasFiles(),
                jarOf(Nd4j.class),
                currentJavacppVersion()));
    }

    /** The key as text, one input a line (sorted where unordered), so that equal inputs give equal text. */
    String canonical() {
        return "check version: " + checkVersion + "\ncpu model: " + cpuModel + "\ncpu flags: "
                + String.join(" ", new TreeSet<>(cpuFlags)) + "\nopenblas env: " + openblasEnv + "\nopenblas build: "
                + openblasBuild + "\nnative files: " + nativeFiles + "\nnd4j: " + nd4jVersion + "\njavacpp: "
                + javacppVersion + "\n";
    }

    /** SHA-256 of {@link #canonical()}, in hex: the name of the cache entry. */
    String digest() {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String nativeOpenblasFiles() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(Loader.getLoadedLibraries()).forEach((name, file) -> {
            if (name.toLowerCase().contains("openblas") || file.toLowerCase().contains("openblas")) {
                s.append(s.length() == 0 ? "" : "; ").append(describeFile(Path.of(file)));
            }
        });
        return s.length() == 0 ? "(none found)" : s.toString();
    }

    private static String jarOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            return "(unknown)";
        }
        try {
            return describeFile(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return source.getLocation().toString();
        }
    }

    private static String describeFile(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + " (" + a.size() + " bytes, modified " + a.lastModifiedTime() + ")";
        } catch (IOException | RuntimeException e) {
            return file + " (unreadable)";
        }
    }

    private static String currentJavacppVersion() {
        try {
            return String.valueOf(Loader.getVersion());
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }
}
