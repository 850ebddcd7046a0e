package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelInstallerTest {
    @TempDir
    Path tmp;

    private List<Path> jars(String... names) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jars"));
        return Stream.of(names)
                .map(dir::resolve)
                .map(p -> {
                    try {
                        return Files.exists(p) ? p : Files.createFile(p);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private KernelInstaller installer() throws Exception {
        return KernelInstaller.builder()
                .setKernelClasspath(jars("kotlin-jupyter-kernel.jar", "kotlin-stdlib-1.8.20.jar"))
                .setScriptClasspath(jars("kotlin-stdlib-1.8.20.jar", "loralgebra-kernel.jar"))
                .optJvmOptions(List.of("-Xmx2g"))
                .build();
    }

    @Test
    void writesAKernelspecUnderThePrefix() throws Exception {
        Path spec = installer().installPrefix(tmp.resolve("prefix"));
        assertEquals(tmp.resolve("prefix/share/jupyter/kernels/loralgebra").toAbsolutePath(), spec);
        JsonNode json = new ObjectMapper().readTree(spec.resolve("kernel.json").toFile());
        List<String> argv = new ObjectMapper().convertValue(json.get("argv"), new TypeReference<List<String>>() {});
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
        int cp = argv.indexOf("-cp");
        assertTrue(
                argv.subList(1, cp)
                        .containsAll(List.of(
                                "-Djava.awt.headless=true",
                                "-Xss16m",
                                "-Xmx2g",
                                "-Dlogback.configurationFile=" + spec.resolve("logback.xml"))),
                argv.toString());
        String sep = File.pathSeparator;
        Path jars = tmp.resolve("jars");
        assertEquals(
                jars.resolve("kotlin-jupyter-kernel.jar") + sep + jars.resolve("kotlin-stdlib-1.8.20.jar"),
                argv.get(cp + 1));
        assertEquals(
                List.of(
                        KernelInstaller.KERNEL_MAIN_CLASS,
                        "-classpath=" + jars.resolve("kotlin-stdlib-1.8.20.jar") + sep
                                + jars.resolve("loralgebra-kernel.jar"),
                        "{connection_file}",
                        "-home=" + spec),
                argv.subList(cp + 2, argv.size()));
        assertEquals("kotlin", json.get("language").asText());
        assertEquals("message", json.get("interrupt_mode").asText());
        assertTrue(Files.readString(spec.resolve("logback.xml")).contains("<root level=\"WARN\">"));
    }

    @Test
    void reinstallingReplacesTheKernelspecAndLeavesNoTemporaries() throws Exception {
        Path kernels = tmp.resolve("kernels");
        Path first = installer().installInto(kernels);
        Files.writeString(first.resolve("stale.txt"), "from an earlier installation");
        Path second = installer().installInto(kernels);
        assertEquals(first, second);
        try (Stream<Path> s = Files.list(kernels)) {
            assertEquals(
                    List.of("loralgebra"),
                    s.map(p -> p.getFileName().toString()).toList());
        }
        try (Stream<Path> s = Files.list(second)) {
            assertEquals(
                    List.of("kernel.json", "logback.xml"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void buildNamesTheMissingJar() throws Exception {
        Path missing = tmp.resolve("nowhere.jar");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> KernelInstaller.builder()
                        .setKernelClasspath(jars("k.jar"))
                        .setScriptClasspath(List.of(missing))
                        .build());
        assertEquals("scriptClasspath: " + missing + " does not exist", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> KernelInstaller.builder()
                        .setScriptClasspath(jars("k.jar"))
                        .build());
        assertEquals("kernelClasspath: expected at least one jar, found none", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> KernelInstaller.builder()
                        .setKernelClasspath(jars("k.jar"))
                        .setScriptClasspath(jars("k.jar"))
                        .optJvmOptions(List.of("Xmx2g"))
                        .build());
        assertEquals("jvmOptions: expected options starting with '-', found 'Xmx2g'", e.getMessage());
    }

    @Test
    void userKernelsFollowJupyterCore() {
        Path home = Path.of("/home/ada");
        assertEquals(
                Path.of("/data/jupyter/kernels"),
                JupyterPaths.userKernels(Map.of("JUPYTER_DATA_DIR", "/data/jupyter"), "Linux", home));
        assertEquals(
                Path.of("/xdg/jupyter/kernels"),
                JupyterPaths.userKernels(Map.of("XDG_DATA_HOME", "/xdg"), "Linux", home));
        assertEquals(
                Path.of("/home/ada/.local/share/jupyter/kernels"), JupyterPaths.userKernels(Map.of(), "Linux", home));
        assertEquals(
                Path.of("/home/ada/Library/Jupyter/kernels"), JupyterPaths.userKernels(Map.of(), "Mac OS X", home));
    }

    @Test
    void classpathFilesAreReadInOrder() throws Exception {
        List<Path> a = jars("a.jar", "b.jar");
        Path kernelFile = Files.writeString(tmp.resolve("k.classpath"), a.get(0) + File.pathSeparator + a.get(1));
        Path scriptFile = Files.writeString(tmp.resolve("s.classpath"), a.get(1).toString());
        Path notebookFile = Files.writeString(tmp.resolve("n.classpath"), a.get(0) + "\n");
        KernelClasspaths cps = KernelClasspaths.fromFiles(kernelFile, scriptFile, notebookFile);
        assertEquals(a, cps.kernel());
        assertEquals(List.of(a.get(1), a.get(0)), cps.script());
        Path absent = tmp.resolve("absent.classpath");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClasspathFile.read(absent));
        assertTrue(e.getMessage().startsWith("classpath file " + absent + " does not exist"), e.getMessage());
    }
}
