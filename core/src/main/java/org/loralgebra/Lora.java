package org.loralgebra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Supplier;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.exec.ModuleConsumer;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.exec.Roots;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.Sum;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.format.Formats;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterSource;

/**
 * Entry points of the language: load adapters, build weighted sums, configure execution.
 *
 * <pre>{@code
 * Adapter imdb = Lora.load("examples/adapters/distilbert-imdb");
 * Adapter emo  = Lora.load("examples/adapters/distilbert-emotion");
 * Adapter both = imdb.plus(emo.times(0.5));
 * both.truncate(Rank.of(8)).save("out/merged");
 * }</pre>
 */
public final class Lora {
    private Lora() {}

    /** Opens an adapter (a PEFT folder, or a kohya/diffusers .safetensors file); reads only headers now. */
    public static Adapter load(String path) {
        return load(Path.of(path), LoadOptions.defaults());
    }

    /** Opens an adapter. */
    public static Adapter load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    /** Opens an adapter with explicit options (alpha and rank for a folder without adapter_config.json, a label). */
    public static Adapter load(Path path, LoadOptions options) {
        return from(Formats.open(path, options));
    }

    /** An adapter over any source. */
    public static Adapter from(AdapterSource source) {
        return new Adapter(Load.of(source));
    }

    /** Σ weights[i]·adapters[i], kept factored as rank concatenation. */
    public static Adapter sum(double[] weights, Adapter... adapters) {
        if (weights.length != adapters.length) {
            throw new LoraException("sum: " + weights.length + " weights for " + adapters.length + " adapters");
        }
        List<Sum.Term> terms = new ArrayList<>();
        for (int i = 0; i < adapters.length; i++) {
            terms.add(new Sum.Term(weights[i], adapters[i].node()));
        }
        return new Adapter(Sum.of(terms));
    }

    /** Σ adapters (all weights 1). */
    public static Adapter sum(Adapter... adapters) {
        double[] w = new double[adapters.length];
        Arrays.fill(w, 1.0);
        return sum(w, adapters);
    }

    /**
     * Plans and runs graph nodes (library code: analyses and routing that produce per-module values rather than
     * adapters). {@code consumer} receives each module's values, read through the {@link Roots}' typed roots, from
     * worker threads.
     */
    public static void evaluate(Roots roots, ModuleConsumer consumer) {
        Runs.run(roots, consumer);
    }

    /** {@link #evaluate(Roots, ModuleConsumer)} over the given modules only. */
    public static void evaluate(Roots roots, SortedSet<String> modules, ModuleConsumer consumer) {
        Runs.run(roots, modules, consumer);
    }

    /**
     * Runs {@code body} under other execution options (backend, threads, memory budget, precision), for this thread
     * only; the process-wide options ({@link #configure}) stay as they are. Scopes nest.
     *
     * <pre>{@code Spectrum exact = Lora.withOptions(Lora.options().withPrecision(Precision.F64), () -> a.spectrum().values());}</pre>
     */
    public static <T> T withOptions(ExecutionOptions options, Supplier<T> body) {
        return Engine.withOptions(options, body);
    }

    /** {@link #withOptions(ExecutionOptions, Supplier)} for a body that returns nothing. */
    public static void withOptions(ExecutionOptions options, Runnable body) {
        Engine.withOptions(options, () -> {
            body.run();
            return null;
        });
    }

    /**
     * Replaces the process-wide execution options (backend, threads, memory budget, precision) of every later run: the
     * session's default. For one block of code, {@link #withOptions(ExecutionOptions, Supplier)}.
     */
    public static void configure(ExecutionOptions options) {
        Engine.configure(options);
    }

    /** The execution options in force on this thread (the scoped ones, else the process-wide ones). */
    public static ExecutionOptions options() {
        return Engine.current().options();
    }

    /** Which backend runs plans, such as {@code nd4j-cpu}. */
    public static String backend() {
        return Engine.current().backend().name();
    }

    /**
     * The backend that runs plans, named and described in one line, such as {@code nd4j-cpu (ND4J on the CPU,
     * BLAS/LAPACK from OpenBLAS 0.3.21)}; chosen with {@link #configure}, {@code LORA_BACKEND} or {@code --backend}.
     */
    public static String backendDescription() {
        Backend b = Engine.current().backend();
        String d = b.description();
        return d.equals(b.name()) ? b.name() : b.name() + " (" + d + ")";
    }

    /** Reports the progress of every later run to {@code listener} (null: none). */
    public static void onProgress(ProgressListener listener) {
        Runs.setDefaultListener(listener);
    }

    /**
     * The listener set by {@link #onProgress} ({@link ProgressListener#NONE} when none), for operations that do long
     * work outside a plan (a bake streaming a base model) to report to.
     */
    public static ProgressListener progress() {
        return Runs.defaultListener();
    }
}
