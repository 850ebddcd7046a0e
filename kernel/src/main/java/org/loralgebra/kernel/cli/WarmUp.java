package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ExecutionOptions;

/**
 * Starts, on a background thread, what a verb will need but does not need first: the JSON reader every adapter's
 * config goes through, and for a computing verb the default engine (the backend's native libraries and its numerical
 * self-check). It overlaps what the verb does first on the main thread: building its command, loading classes,
 * compiling or loading a script. Measured in wall-clock profiles on the 2-core Xeon: in {@code lora spectrum --json}
 * of the 7B adapter ND4J's start was a sixth of the main thread's time, and in a cached {@code lora run} script ND4J's
 * start and Jackson's class initialisation were 22% and 17%, each before its first use.
 *
 * <p>Whatever goes wrong here is left for the verb to meet and report: a backend that cannot start fails the same way
 * when the verb asks for it, with the verb's error handling.
 */
final class WarmUp {
    /** Verbs that compute nothing or check the backend themselves: no engine is started for them. */
    private static final Set<String> NO_ENGINE = Set.of("inspect", "jupyter", "self-check");

    /**
     * Verbs that compile and load Kotlin before they compute: the backend's native start, on a thread of its own,
     * competes with their class loading (the dynamic linker's lock, the second core). Measured on the 2-core AMD EPYC:
     * a cached script printing one line took 0.63 s without it and 0.76 s with it (20 alternating runs); the
     * engine's warm-up still runs.
     */
    private static final Set<String> NO_BACKEND_WARM_UP = Set.of("run", "repl");

    /**
     * System property the launcher sets on the run that dumps a verb's class-data archive; see
     * {@link #finishForArchive()}.
     */
    static final String ARCHIVING = "lora.archiving";

    /** The warm-up threads started in this JVM. */
    private static final List<Thread> STARTED = new CopyOnWriteArrayList<>();

    /** Whether a verb of {@link #NO_BACKEND_WARM_UP} went without the backend's start. */
    private static volatile boolean backendSkipped;

    private WarmUp() {}

    /**
     * Starts the warm-up for {@code verb} run with {@code args} and returns at once; no engine when the arguments
     * choose a backend themselves ({@code --backend}), which the verb then starts.
     */
    static void startFor(String verb, String... args) {
        boolean engine = !NO_ENGINE.contains(verb)
                && Arrays.stream(args).noneMatch(a -> a.equals("--backend") || a.startsWith("--backend="));
        if (engine && !NO_BACKEND_WARM_UP.contains(verb)) {
            // the backend's native start (ND4J's), beside the engine's (the BLAS self-check's verdict) and the
            // command's own start: spectrum --json 0.691 -> 0.630 s (DistilBERT), 1.035 -> 0.961 s (Llama-2-7B)
            startBackend();
        } else if (engine) {
            backendSkipped = true;
        }
        start("lora-warm-up", () -> {
            try {
                new ObjectMapper().readTree("{\"warm\": [1.0]}");
            } catch (JsonProcessingException e) {
                // cannot happen for this literal; nothing depends on it
            }
            if (engine) {
                Engine.defaultEngine();
            }
        });
    }

    /**
     * On the run that dumps the verb's class-data archive ({@value #ARCHIVING} set), once the verb is done: starts the
     * backend where the verb went without it, and waits (at most a minute) for the warm-up threads, so that the
     * archive holds every class a later run of the verb may load, whichever command dumped it. The first cached
     * script to run is often a one-line one, which exits before the engine's warm-up is over: its archive lacked
     * ND4J's and the engine's classes, and a script computing the 7B adapter's spectrum took 1.18 s with it and
     * 1.10 s with an archive that had them (10 alternating runs, 2-core AMD EPYC); the one-line script the same.
     * Nothing happens on other runs.
     */
    static void finishForArchive() {
        if (!Boolean.getBoolean(ARCHIVING)) {
            return;
        }
        if (backendSkipped) {
            startBackend();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (Thread t : STARTED) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Starts the default backend's native side on a thread of its own. */
    private static void startBackend() {
        start(
                "lora-warm-up-backend",
                () -> Backends.prepare(ExecutionOptions.defaults().backend()));
    }

    /** Runs {@code work} on a daemon thread called {@code name}; what fails there is left for the verb to meet. */
    private static void start(String name, Runnable work) {
        Thread t = new Thread(
                () -> {
                    try {
                        work.run();
                    } catch (RuntimeException | LinkageError e) {
                        // the verb meets the same failure when it asks for the engine, and reports it
                    }
                },
                name);
        t.setDaemon(true);
        STARTED.add(t);
        t.start();
    }
}
