package org.loralgebra.kernel.cli;

import org.loralgebra.Adapter;
import picocli.CommandLine.Option;

/** {@code --modules GLOB}: only the modules whose names match. A picocli mixin for every verb that can select modules. */
public final class ModulesOption {
    @Option(
            names = "--modules",
            paramLabel = "GLOB",
            description =
                    "Only modules matching GLOB (* within a dotted part, ** across; a plain name matches the last part).")
    String glob;

    /** {@code adapter} restricted to the modules matching {@code --modules}; all of it without the option. */
    Adapter select(Adapter adapter) {
        return glob == null ? adapter : adapter.select(glob);
    }
}
