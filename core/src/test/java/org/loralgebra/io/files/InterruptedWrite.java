package org.loralgebra.io.files;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for the crash tests: replaces the folder {@code args[0]} with one holding {@code new.txt}, and
 * halts (as {@code kill -9} would stop it, no shutdown hooks, no cleanup) at {@code args[1]}: {@code between} the
 * two renames of the replace, or {@code written} after the temporary folder is complete, before any rename.
 */
public final class InterruptedWrite {
    private InterruptedWrite() {}

    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        if (args[1].equals("between")) {
            AtomicWrites.betweenRenames = p -> Runtime.getRuntime().halt(137);
            AtomicWrites.writeFolder(target, t -> Files.writeString(t.resolve("new.txt"), "new"));
        } else {
            AtomicWrites.writeFolder(target, t -> {
                Files.writeString(t.resolve("new.txt"), "new");
                Runtime.getRuntime().halt(137);
            });
        }
        System.exit(0); // not reached
    }
}
