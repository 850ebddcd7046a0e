package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.Collection;
import java.util.IntSummaryStatistics;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.model.ModuleSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code -o OUT} and {@code --overwrite}: where a verb that computes an adapter writes it. The target is checked
 * before anything is read or computed ({@link #check}); {@link #save} writes it and reads back what was written. A
 * picocli mixin for every verb whose result is an adapter.
 */
public final class AdapterOutput {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            required = true,
            description = "Output adapter folder.")
    Path path;

    @Mixin
    OverwriteOption overwrite;

    /** Refuses the target now, before any work, when it may not be written (see {@link OverwriteOption#checkAdapter}). */
    void check(Collection<Path> inputs) {
        overwrite.checkAdapter(path, inputs);
    }

    /** Writes {@code adapter} to the target and returns the adapter as written, read back from it. */
    Adapter save(Adapter adapter) {
        adapter.save(path, overwrite.saveOptions());
        return Lora.load(path);
    }

    /** {@code rank 8}, or {@code rank 4–8} when the modules' ranks differ. */
    static String ranks(Adapter written) {
        IntSummaryStatistics r = written.type().modules().values().stream()
                .mapToInt(ModuleSpec::rank)
                .summaryStatistics();
        int max = r.getCount() == 0 ? 0 : r.getMax();
        int min = r.getCount() == 0 ? 0 : r.getMin();
        return "rank " + (min == max ? String.valueOf(max) : min + "–" + max);
    }
}
