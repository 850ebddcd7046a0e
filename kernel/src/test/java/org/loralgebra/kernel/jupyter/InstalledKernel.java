package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

/**
 * The {@code loralgebra} kernelspec as {@code ./lora jupyter install --prefix} (the real launcher, on the packaged
 * build) installs it into a temporary prefix, and commands run against it: Jupyter's paths point into that folder and,
 * where the machine allows it ({@code unshare -rn}), Jupyter and the kernel run in a network namespace with only a
 * loopback interface, which shows they need no network.
 *
 * @param repoRoot the repository root (holding {@code lora})
 * @param home the temporary folder holding the prefix and Jupyter's data, config and runtime folders
 * @param kernelspec the installed kernelspec folder
 * @param offline whether {@link #offline(List)} wraps commands in a network namespace
 */
record InstalledKernel(Path repoRoot, Path home, Path kernelspec, boolean offline) {
    /** The Debian Python that {@code /usr/bin/jupyter} runs on (the one with nbclient, as {@code .ci/run} installs). */
    static final String JUPYTER_PYTHON = "/usr/bin/python3";

    /** Installs the kernelspec under {@code home}; fails the test when the install or {@code jupyter nbconvert} fails. */
    static InstalledKernel install(Path home) throws Exception {
        return install(home, Map.of());
    }

    /** {@link #install(Path)} with {@code env} added to the launcher's environment ({@code JAVA_HOME}, say). */
    static InstalledKernel install(Path home, Map<String, String> env) throws Exception {
        Path root = Path.of(property("loralgebra.repoRoot")).toAbsolutePath().normalize();
        String classpath = String.join(
                File.pathSeparator,
                ClasspathFile.read(Path.of(property("loralgebra.kernel.runtimeClasspathFile"))).stream()
                        .map(Path::toString)
                        .toList());
        Path prefix = home.resolve("prefix");
        Path log = home.resolve("install.log");
        ProcessBuilder install = new ProcessBuilder(
                        "bash", root.resolve("lora").toString(), "jupyter", "install", "--prefix", prefix.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        install.environment().put("LORA_CLASSPATH", classpath);
        install.environment().put("LORA_XMX", "512m");
        install.environment().putAll(env);
        Process p = install.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "lora jupyter install did not finish");
        assertEquals(0, p.exitValue(), "lora jupyter install failed:\n" + Files.readString(log));
        Path kernelspec = JupyterPaths.prefixKernels(prefix).resolve(KernelInstaller.KERNEL_NAME);
        assertTrue(Files.isRegularFile(kernelspec.resolve("kernel.json")), "no kernel.json in " + kernelspec);
        InstalledKernel probe = new InstalledKernel(root, home, kernelspec, false);
        if (probe.run(List.of("jupyter", "nbconvert", "--version"), home, 1, home.resolve("probe.log")) != 0) {
            fail("`jupyter nbconvert` is not installed: install jupyter-nbconvert and python3-nbclient"
                    + " (Debian) or skip integration tests with -DskipITs");
        }
        boolean offline = probe.run(
                        List.of("unshare", "-rn", "sh", "-c", "ip link set lo up"), home, 1, home.resolve("probe.log"))
                == 0;
        System.out.println(
                "notebooks run " + (offline ? "without network (unshare -rn)" : "with the machine's network"));
        return new InstalledKernel(root, home, kernelspec, offline);
    }

    /** {@code command}, in a network namespace with only loopback when the machine allows it. */
    List<String> offline(List<String> command) {
        if (!offline) {
            return command;
        }
        return new ArrayList<>(Stream.concat(
                        Stream.of("unshare", "-rn", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh"),
                        command.stream())
                .toList());
    }

    /**
     * Runs {@code command} in {@code workDir} with Jupyter's paths in {@link #home()}, output to {@code log}; returns
     * its exit status (127 when it cannot start) and fails the test when it runs past {@code timeoutMinutes}.
     */
    int run(List<String> command, Path workDir, long timeoutMinutes, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("JUPYTER_PATH", kernelspec.getParent().getParent().toString());
        env.put("JUPYTER_DATA_DIR", home.resolve("jupyter-data").toString());
        env.put("JUPYTER_CONFIG_DIR", home.resolve("jupyter-config").toString());
        env.put("JUPYTER_RUNTIME_DIR", home.resolve("jupyter-runtime").toString());
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

    /**
     * Executes {@code notebook} on this kernel with {@code jupyter nbconvert --execute} (offline where the machine
     * allows), writing the executed copy under its own name into {@code outDir}; returns nbconvert's exit status.
     */
    int execute(Path notebook, Path outDir, long timeoutMinutes, Path log) throws Exception {
        List<String> command = List.of(
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.kernel_name=" + KernelInstaller.KERNEL_NAME,
                "--ExecutePreprocessor.timeout=600",
                "--output-dir",
                outDir.toString(),
                "--output",
                notebook.getFileName().toString(),
                notebook.toString());
        return run(offline(command), notebook.getParent(), timeoutMinutes, log);
    }

    /** The last {@code lines} lines of a log. */
    static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** A system property the kernel module's failsafe configuration sets. */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " is not set (the kernel module's failsafe configuration sets it)");
        }
        return value;
    }
}
