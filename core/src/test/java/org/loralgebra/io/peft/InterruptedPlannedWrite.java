package org.loralgebra.io.peft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;

/**
 * A child process for {@link PlannedPeftWriteTest}: writes the PEFT adapter {@code args[0]} to {@code args[1]}
 * through a planned writer and halts (as {@code kill -9} would stop it) when half of its modules are written.
 */
public final class InterruptedPlannedWrite {
    private InterruptedPlannedWrite() {}

    public static void main(String[] args) {
        StoredAdapter a = PeftFolder.read(Path.of(args[0]), LoadOptions.defaults());
        List<String> names = new ArrayList<>(a.type().names());
        PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(Path.of(args[0])));
        w.plan(Path.of(args[1]), new ArrayList<>(a.type().modules().values()));
        for (String m : names.subList(0, names.size() / 2)) {
            w.add(a.read(m));
        }
        Runtime.getRuntime().halt(137);
    }
}
