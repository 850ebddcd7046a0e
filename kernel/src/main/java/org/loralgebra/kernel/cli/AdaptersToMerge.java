package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import picocli.CommandLine.Parameters;

/** {@code ADAPTER...}: the adapters a merging verb combines. A picocli mixin. */
public final class AdaptersToMerge {
    @Parameters(arity = "1..*", paramLabel = "ADAPTER", description = "The adapters to merge (PEFT folders).")
    List<Path> paths;

    /** The adapters, loaded (headers and configs only) in the order given. */
    List<Adapter> load() {
        return paths.stream().map(Lora::load).toList();
    }
}
