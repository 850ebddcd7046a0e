package org.loralgebra.io;

import java.nio.file.Path;
import java.util.Collection;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;

/**
 * Receives an adapter's modules one at a time, from any thread and in any order, and writes them out
 * atomically on {@link #commit}. Nothing appears at the target before {@link #commit} returns.
 */
public interface AdapterSink extends AutoCloseable {
    /**
     * Tells the sink, before the first module is added, where it will {@link #commit} and how each module will be
     * stored (name, kind, shape, rank, dtype, DoRA and bias state), so that it can lay its file out now and write
     * each module's tensors at their place as they arrive, instead of spooling and copying them. Modules that
     * arrive otherwise than announced, or a commit elsewhere, are still written right (the slower way). Formats
     * that cannot lay out in advance ignore it.
     */
    default void plan(Path target, Collection<ModuleSpec> modules) {}

    /** Adds one module's tensors. */
    void add(StoredModule module);

    /**
     * Names modules that exist in the inputs (and so in the base model) but are not written, so that a format whose
     * config selects modules by name (PEFT's {@code target_modules}) selects none of them. Call before
     * {@link #commit}; formats without such a config ignore it.
     */
    default void declareOtherModules(Collection<String> modules) {}

    /** Writes everything added to {@code target} (a folder or a file, as the format wants). */
    void commit(Path target);

    /** Releases temporary storage; a sink not committed leaves no trace. */
    @Override
    void close();
}
