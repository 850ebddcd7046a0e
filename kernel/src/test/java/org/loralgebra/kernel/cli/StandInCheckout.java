package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.loralgebra.kernel.jupyter.KernelClasspaths;

/**
 * A stand-in for a built checkout, as {@code lora jupyter install --home} reads one: the three classpath files the
 * build writes, each listing one empty jar. Lets the unit tests install a kernelspec without {@code mvn package}
 * (the real build is installed and run by {@code NotebooksIT}).
 */
final class StandInCheckout {
    private StandInCheckout() {}

    /** Writes the stand-in under {@code root} and returns {@code root}. */
    static Path write(Path root) throws IOException {
        Path jars = Files.createDirectories(root.resolve("jars"));
        for (String[] file : List.of(
                new String[] {KernelClasspaths.KERNEL_FILE, "kernel.jar"},
                new String[] {KernelClasspaths.JUPYTER_SCRIPT_FILE, "kotlin-stdlib.jar"},
                new String[] {KernelClasspaths.NOTEBOOK_FILE, "loralgebra-kernel.jar"})) {
            Path jar = Files.createFile(jars.resolve(file[1]));
            Files.createDirectories(root.resolve(file[0]).getParent());
            Files.writeString(root.resolve(file[0]), jar.toString());
        }
        return root;
    }
}
