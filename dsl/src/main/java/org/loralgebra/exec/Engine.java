package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.loralgebra.LoraException;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.graph.Node;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;

/**
 * Runs plans: module by module, modules in parallel, bounded by a memory budget. A module's working memory is
 * estimated from the types of the nodes it passes through; a module estimated above the whole budget runs
 * alone.
 */
public final class Engine {
    private static volatile Engine defaultEngine;

    private final Backend backend;
    private final ExecutionOptions options;

    /** An engine over a backend. */
    public Engine(Backend backend, ExecutionOptions options) {
        this.backend = backend;
        this.options = options;
    }

    /** The process-wide engine: ND4J in {@link ExecutionOptions#defaults()}. */
    public static Engine defaultEngine() {
        Engine e = defaultEngine;
        if (e == null) {
            synchronized (Engine.class) {
                e = defaultEngine;
                if (e == null) {
                    ExecutionOptions o = ExecutionOptions.defaults();
                    e = new Engine(new Nd4jBackend(o.precision()), o);
                    defaultEngine = e;
                }
            }
        }
        return e;
    }

    /** Replaces the process-wide engine's options. */
    public static synchronized void configure(ExecutionOptions options) {
        defaultEngine = new Engine(new Nd4jBackend(options.precision()), options);
    }

    /** The backend. */
    public Backend backend() {
        return backend;
    }

    /** The options. */
    public ExecutionOptions options() {
        return options;
    }

    /** Runs {@code roots} over every module any of them has, handing each module's values to {@code consumer}. */
    public void run(List<Node> roots, ModuleConsumer consumer, ProgressListener listener) {
        SortedSet<String> modules = new TreeSet<>(ModuleOrder.INSTANCE);
        roots.forEach(r -> modules.addAll(r.type().names()));
        run(roots, modules, consumer, listener);
    }

    /** Runs {@code roots} over the given modules only. */
    public void run(List<Node> roots, SortedSet<String> modules, ModuleConsumer consumer, ProgressListener listener) {
        int total = modules.size();
        listener.started(total);
        long budgetKb = Math.max(1, options.memoryBudgetBytes() >> 10);
        int permits = (int) Math.min(Integer.MAX_VALUE, budgetKb);
        Semaphore memory = new Semaphore(permits);
        AtomicInteger done = new AtomicInteger();
        int threads = Math.min(options.parallelism(), Math.max(1, total));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(null, r, "lora-module", 16L << 20);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String module : modules) {
                int need = (int) Math.min(permits, Math.max(1, workingBytes(roots, module) >> 10));
                futures.add(pool.submit(() -> {
                    memory.acquireUninterruptibly(need);
                    try {
                        ModuleEvaluation eval = new ModuleEvaluation(backend, module);
                        List<Object> values = new ArrayList<>(roots.size());
                        for (Node root : roots) {
                            values.add(eval.value(root));
                        }
                        consumer.accept(module, values);
                    } finally {
                        memory.release(need);
                    }
                    listener.progressed(done.incrementAndGet(), total, module);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new LoraException("evaluation failed: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LoraException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
            listener.finished();
        }
    }

    /** Estimated bytes a module needs: every node's output for it, in the backend's precision, twice over. */
    static long workingBytes(List<Node> roots, String module) {
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long[] total = {0};
        for (Node r : roots) {
            walk(r, module, seen, total);
        }
        return 2 * total[0];
    }

    private static void walk(Node n, String module, java.util.Set<Node> seen, long[] total) {
        if (!seen.add(n)) {
            return;
        }
        ModuleSpec m = n.type().modules().get(module);
        if (m == null) {
            return;
        }
        total[0] += 4L * m.rank() * (m.out() + m.in());
        for (Node c : n.children()) {
            walk(c, module, seen, total);
        }
    }
}
