package org.loralgebra.kernel.jupyter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two classpaths a kernelspec needs, as the build writes them: the Kotlin Jupyter kernel's jars, and
 * the notebook code's classpath (the kernel's Kotlin runtime and API, then LoRAlgebra's jars).
 *
 * @param kernel the kernel's jars ({@code -cp})
 * @param script the notebook code's classpath ({@code -classpath=})
 */
public record KernelClasspaths(List<Path> kernel, List<Path> script) {
    /** Relative to the repository root: the kernel's jars. */
    public static final String KERNEL_FILE = "kernel/jupyter-runtime/target/jupyter-kernel.classpath";
    /** Relative to the repository root: the kernel's Kotlin runtime and notebook API. */
    public static final String JUPYTER_SCRIPT_FILE = "kernel/jupyter-runtime/target/jupyter-script.classpath";
    /** Relative to the repository root: LoRAlgebra's jars and their dependencies for notebooks. */
    public static final String NOTEBOOK_FILE = "kernel/target/notebook.classpath";

    public KernelClasspaths {
        kernel = List.copyOf(kernel);
        script = List.copyOf(script);
    }

    /** Reads the classpath files a build of the repository at {@code root} wrote. */
    public static KernelClasspaths fromBuild(Path root) {
        return fromFiles(root.resolve(KERNEL_FILE), root.resolve(JUPYTER_SCRIPT_FILE), root.resolve(NOTEBOOK_FILE));
    }

    /** Reads the three classpath files. */
    public static KernelClasspaths fromFiles(Path kernelFile, Path jupyterScriptFile, Path notebookFile) {
        List<Path> kernel = ClasspathFile.read(kernelFile);
        List<Path> script = new ArrayList<>(ClasspathFile.read(jupyterScriptFile));
        script.addAll(ClasspathFile.read(notebookFile));
        return new KernelClasspaths(kernel, script);
    }

    /** A builder for an installer of these classpaths. */
    public KernelInstaller.Builder installer() {
        return KernelInstaller.builder().setKernelClasspath(kernel).setScriptClasspath(script);
    }
}
