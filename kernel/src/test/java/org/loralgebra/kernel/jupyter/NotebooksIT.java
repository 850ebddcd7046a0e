package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every {@code notebooks/*.ipynb} with real Jupyter ({@code jupyter nbconvert --execute}) on the
 * {@code loralgebra} kernelspec that {@code ./lora jupyter install --prefix} (the real launcher, on the packaged
 * build) installed into a temporary prefix, and checks the executed notebook: every
 * code cell ran, no cell has an error output, and each expectation a cell declares in its metadata
 * ({@code "loralgebra": {"expect": [{"mime": "image/svg+xml", "contains": "title"}]}}) is met by one of its
 * outputs. Every notebook must declare at least one expectation.
 *
 * <p>Where the machine allows it ({@code unshare -rn}), Jupyter and the kernel run in a network namespace
 * with only a loopback interface: the notebooks are shown to need no network. Executed notebooks are kept
 * in {@code target/executed-notebooks/}.
 */
class NotebooksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOTEBOOK_TIMEOUT_MINUTES = 15;

    @TempDir
    static Path tmp;

    private static Path kernelspec;
    private static boolean offline;

    @BeforeAll
    static void installKernel() throws Exception {
        Path root = Path.of(property("loralgebra.repoRoot")).toAbsolutePath().normalize();
        String classpath = String.join(
                File.pathSeparator,
                ClasspathFile.read(Path.of(property("loralgebra.kernel.runtimeClasspathFile"))).stream()
                        .map(Path::toString)
                        .toList());
        Path prefix = tmp.resolve("prefix");
        ProcessBuilder install = new ProcessBuilder(
                        "bash", root.resolve("lora").toString(), "jupyter", "install", "--prefix", prefix.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("install.log").toFile());
        install.environment().put("LORA_CLASSPATH", classpath);
        install.environment().put("LORA_XMX", "512m");
        Process p = install.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "lora jupyter install did not finish");
        assertEquals(0, p.exitValue(), "lora jupyter install failed:\n" + Files.readString(tmp.resolve("install.log")));
        kernelspec = JupyterPaths.prefixKernels(prefix).resolve(KernelInstaller.KERNEL_NAME);
        assertTrue(Files.isRegularFile(kernelspec.resolve("kernel.json")), "no kernel.json in " + kernelspec);
        if (run(List.of("jupyter", "nbconvert", "--version"), tmp, 1) != 0) {
            fail("`jupyter nbconvert` is not installed: install jupyter-nbconvert and python3-nbclient"
                    + " (Debian) or skip integration tests with -DskipITs");
        }
        offline = run(List.of("unshare", "-rn", "sh", "-c", "ip link set lo up"), tmp, 1) == 0;
        System.out.println(
                "notebooks run " + (offline ? "without network (unshare -rn)" : "with the machine's network"));
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookExecutesCleanly() throws IOException {
        Path dir = Path.of(property("loralgebra.notebooksDir")).toAbsolutePath().normalize();
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(dir)) {
            notebooks = s.filter(p -> p.getFileName().toString().endsWith(".ipynb"))
                    .sorted()
                    .toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + dir);
        return notebooks.stream()
                .map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> check(nb)));
    }

    private static void check(Path notebook) throws Exception {
        JsonNode source = JSON.readTree(notebook.toFile());
        assertEquals(
                KernelInstaller.KERNEL_NAME,
                source.at("/metadata/kernelspec/name").asText(),
                notebook + ": metadata.kernelspec.name");
        Path out = Path.of("target", "executed-notebooks").toAbsolutePath();
        Files.createDirectories(out);
        String name = notebook.getFileName().toString();
        Path log = out.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.kernel_name=" + KernelInstaller.KERNEL_NAME,
                "--ExecutePreprocessor.timeout=600",
                "--output-dir",
                out.toString(),
                "--output",
                name,
                notebook.toString()));
        if (offline) {
            command = new ArrayList<>(Stream.concat(
                            Stream.of("unshare", "-rn", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh"),
                            command.stream())
                    .toList());
        }
        int rc = run(command, notebook.getParent(), NOTEBOOK_TIMEOUT_MINUTES, log);
        JsonNode executed = Files.exists(out.resolve(name))
                ? JSON.readTree(out.resolve(name).toFile())
                : null;
        List<String> problems = new ArrayList<>();
        if (rc != 0) {
            problems.add("nbconvert exited with " + rc + "; its log:\n" + tail(log, 60));
        }
        if (executed != null) {
            problems.addAll(ExecutedNotebookCheck.problems(source, executed));
        } else if (rc == 0) {
            problems.add("nbconvert wrote no " + out.resolve(name));
        }
        assertTrue(problems.isEmpty(), name + ":\n" + String.join("\n", problems));
    }

    private static int run(List<String> command, Path workDir, long timeoutMinutes) throws Exception {
        return run(command, workDir, timeoutMinutes, tmp.resolve("probe.log"));
    }

    private static int run(List<String> command, Path workDir, long timeoutMinutes, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        Path jupyter = kernelspec == null ? tmp : kernelspec.getParent().getParent();
        env.put("JUPYTER_PATH", jupyter.toString());
        env.put("JUPYTER_DATA_DIR", tmp.resolve("jupyter-data").toString());
        env.put("JUPYTER_CONFIG_DIR", tmp.resolve("jupyter-config").toString());
        env.put("JUPYTER_RUNTIME_DIR", tmp.resolve("jupyter-runtime").toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return 127;
        }
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " ran past " + timeoutMinutes + " minutes");
        }
        return p.exitValue();
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " is not set (the kernel module's failsafe configuration sets it)");
        }
        return value;
    }
}
