package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.kernel.jupyter.JupyterPaths;
import org.loralgebra.kernel.jupyter.KernelClasspaths;
import org.loralgebra.kernel.jupyter.KernelInstaller;
import org.loralgebra.lang.LoraException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora jupyter install [--user | --prefix DIR]}: writes the {@code loralgebra} kernelspec (the Kotlin
 * Jupyter kernel with LoRAlgebra on its classpath; see {@link KernelInstaller}) from this build.
 */
@Command(
        name = "jupyter",
        aliases = "kernel",
        description = {
            "Install the loralgebra Jupyter kernel: `lora kernel install` (or `lora jupyter install`).",
            "Kotlin notebooks with LoRAlgebra, its operators, plot export and the Lets-Plot DSL; nothing is downloaded."
        })
public final class JupyterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** {@code lora jupyter} without a subcommand: a usage error that lists them. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "expected a subcommand: install");
    }

    @Command(
            name = "install",
            sortOptions = false,
            description = {
                "Install the loralgebra kernelspec, for the user (default) or under a prefix.",
                "Then: jupyter nbconvert --execute --ExecutePreprocessor.kernel_name=loralgebra NOTEBOOK.ipynb"
            })
    int install(
            @Option(
                            names = "--user",
                            description =
                                    "Into the user's kernels folder (~/.local/share/jupyter/kernels on Linux; the default).")
                    boolean user,
            @Option(names = "--prefix", paramLabel = "DIR", description = "Into DIR/share/jupyter/kernels.")
                    Path prefix,
            @Option(
                            names = "--jvm-option",
                            paramLabel = "OPT",
                            description = "A JVM option for the kernel, e.g. -Xmx8g (repeatable).")
                    List<String> jvmOptions,
            @Option(
                            names = "--display-name",
                            paramLabel = "NAME",
                            description = "The name front ends show (default: LoRAlgebra (Kotlin)).")
                    String displayName,
            @Option(
                            names = "--home",
                            paramLabel = "DIR",
                            description = "The LoRAlgebra checkout whose build to use (default: the launcher's).")
                    Path home) {
        CommandSpec install = spec.subcommands().get("install").getCommandSpec();
        if (user && prefix != null) {
            throw new ParameterException(install.commandLine(), "--user and --prefix exclude each other");
        }
        Path root = home != null ? home : launcherHome(install);
        KernelClasspaths classpaths;
        KernelInstaller installer;
        try {
            classpaths = KernelClasspaths.fromBuild(root);
            KernelInstaller.Builder b = classpaths.installer();
            if (jvmOptions != null) {
                b.optJvmOptions(jvmOptions);
            }
            if (displayName != null) {
                b.optDisplayName(displayName);
            }
            installer = b.build();
        } catch (IllegalArgumentException e) {
            throw new LoraException("cannot install the Jupyter kernel from " + root + ": " + e.getMessage());
        }
        Path spec = prefix != null ? installer.installPrefix(prefix) : installer.installUser();
        PrintWriter out = install.commandLine().getOut();
        out.println("installed Jupyter kernel " + KernelInstaller.KERNEL_NAME + " in " + spec);
        if (prefix != null) {
            out.println("Jupyter finds it with JUPYTER_PATH="
                    + JupyterPaths.prefixKernels(prefix).getParent() + " (or when " + prefix
                    + " is its installation prefix)");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Path launcherHome(CommandSpec install) {
        String home = System.getProperty("lora.home");
        if (home == null) {
            throw new ParameterException(
                    install.commandLine(),
                    "no LoRAlgebra checkout: run through ./lora (it sets lora.home) or give --home DIR");
        }
        return Path.of(home);
    }
}
