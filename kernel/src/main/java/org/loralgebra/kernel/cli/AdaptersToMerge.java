package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import org.loralgebra.Adapter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ADAPTER...}: the adapters a merging verb combines, read as {@link InputAdapters} says. A picocli mixin. */
public final class AdaptersToMerge {
    @Parameters(arity = "1..*", paramLabel = "ADAPTER", description = "The adapters to merge (PEFT folders).")
    List<Path> paths;

    @Mixin
    InputAdapters reader;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The adapters, loaded (headers and configs only) in the order given. */
    List<Adapter> load() {
        return paths.stream().map(p -> reader.load(p, spec.commandLine())).toList();
    }
}
