package org.loralgebra.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.plan.CostModel;

/**
 * Runs plans: module by module, modules in parallel, bounded by a memory budget. A module's working memory is
 * estimated from the types of the nodes it passes through; a module estimated above the whole budget runs
 * alone. A numeric failure in a module (a LAPACK routine refusing NaN, a result that is not finite) is reported
 * with the module, its inputs and what in them caused it ({@link ModuleDiagnosis}). Each module runs in its own
 * {@link MatrixScope}: its matrices are freed as soon as the consumer has
 * seen its values. While modules run in parallel, each operation (a product, a QR) gets the cores left over
 * (usually one) instead of starting a thread per core on top of the module threads; afterwards, all of them. A
 * backend that {@linkplain Backend#batchesModules() batches modules} (a GPU) gets the plan's decompositions as batches
 * across modules instead ({@link BatchedRun}).
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

    /** The process-wide engine: the backend and settings of {@link ExecutionOptions#defaults()}. */
    public static Engine defaultEngine() {
        Engine e = defaultEngine;
        if (e == null) {
            synchronized (Engine.class) {
                e = defaultEngine;
                if (e == null) {
                    ExecutionOptions o = ExecutionOptions.defaults();
                    e = new Engine(Backends.create(o.backend(), o.precision()), o);
                    defaultEngine = e;
                }
            }
        }
        return e;
    }

    /** Engines set for a block of code on a thread ({@link #withOptions}), and on the module threads of their runs. */
    private static final ThreadLocal<Engine> SCOPED = new ThreadLocal<>();

    /**
     * The engine in force on this thread: the one {@link #withOptions} set around the running code (also on the module
     * threads of its runs), else the process-wide one.
     */
    public static Engine current() {
        Engine e = SCOPED.get();
        return e != null ? e : defaultEngine();
    }

    /**
     * Runs {@code body} with an engine of {@code options} in force on this thread (and the module threads of the runs
     * it starts), leaving the process-wide engine as it is; scopes nest.
     */
    public static <T> T withOptions(ExecutionOptions options, Supplier<T> body) {
        Engine previous = SCOPED.get();
        SCOPED.set(new Engine(Backends.create(options.backend(), options.precision()), options));
        try {
            return body.get();
        } finally {
            if (previous == null) {
                SCOPED.remove();
            } else {
                SCOPED.set(previous);
            }
        }
    }

    /** Replaces the process-wide engine's options. */
    public static synchronized void configure(ExecutionOptions options) {
        defaultEngine = new Engine(Backends.create(options.backend(), options.precision()), options);
    }

    /** The backend. */
    public Backend backend() {
        return backend;
    }

    /** The options. */
    public ExecutionOptions options() {
        return options;
    }

    /** Runs the nodes of {@code roots} as they are (unplanned) over every module any of them has. */
    public void run(Roots roots, ModuleConsumer consumer, ProgressListener listener) {
        run(roots, roots.nodes(), consumer, listener);
    }

    /**
     * Runs {@code plan} — the planned nodes of {@code roots}, one per root, in the same order — over every module any
     * of them has, handing each module's values to {@code consumer}.
     */
    public void run(Roots roots, List<Node> plan, ModuleConsumer consumer, ProgressListener listener) {
        SortedSet<String> modules = new TreeSet<>(ModuleOrder.INSTANCE);
        plan.forEach(r -> modules.addAll(r.type().names()));
        run(roots, plan, modules, consumer, listener);
    }

    /** {@link #run(Roots, List, ModuleConsumer, ProgressListener)} over the given modules only. */
    @SuppressWarnings("try") // the module's matrix scope is held for its side effect: freeing at the end
    public void run(
            Roots rootsOfRun,
            List<Node> roots,
            SortedSet<String> modules,
            ModuleConsumer consumer,
            ProgressListener listener) {
        if (roots.size() != rootsOfRun.size()) {
            throw new IllegalArgumentException(
                    "a plan of " + roots.size() + " nodes for " + rootsOfRun.size() + " roots");
        }
        int total = modules.size();
        listener.started(total);
        long budgetKb = Math.max(1, options.memoryBudgetBytes() >> 10);
        int permits = (int) Math.min(Integer.MAX_VALUE, budgetKb);
        Semaphore memory = new Semaphore(permits);
        AtomicInteger done = new AtomicInteger();
        int threads = Math.min(options.parallelism(), Math.max(1, total));
        // a node's type is derived on every call (a map over all modules): derive each once for the whole run
        Map<Node, AdapterType> types = types(roots);
        OperationThreads.Claim operationThreads =
                OperationThreads.enter(backend, threads, threads > 1 ? 0 : heaviestModuleFlops(roots, modules, types));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(null, r, "lora-module", 16L << 20);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Node> batched = backend.batchesModules() ? BatchedRun.decompositions(roots) : List.of();
            if (!batched.isEmpty()) {
                new BatchedRun(this, pool, roots, types, batched)
                        .run(rootsOfRun, modules, m -> workingBytes(roots, types, m), consumer, listener);
                return;
            }
            List<Future<Object>> futures = new ArrayList<>();
            for (String module : modules) {
                int need = (int) Math.min(permits, Math.max(1, workingBytes(roots, types, module) >> 10));
                futures.add(pool.submit(() -> {
                    SCOPED.set(this); // code a consumer or kernel calls sees the engine of the run it is in
                    memory.acquireUninterruptibly(need);
                    try (MatrixScope scope = backend.openScope()) {
                        ModuleEvaluation eval = new ModuleEvaluation(backend, module, types);
                        List<ModuleValue> values = new ArrayList<>(roots.size());
                        for (Node root : roots) {
                            values.add(eval.value(root));
                        }
                        consumer.accept(module, new ModuleValues(rootsOfRun, values));
                    } catch (RuntimeException e) {
                        throw ModuleDiagnosis.wrap(e, module, roots);
                    } finally {
                        memory.release(need);
                    }
                    listener.progressed(done.incrementAndGet(), total, module);
                    return null;
                }));
            }
            await(futures);
        } finally {
            pool.shutdownNow();
            operationThreads.close();
            listener.finished();
        }
    }

    /** Makes this engine the one in force on the calling thread (a module thread of one of its runs). */
    void enterModuleThread() {
        SCOPED.set(this);
    }

    /**
     * Waits for every task; on the first failure cancels the rest and rethrows it (a runtime exception or error as it
     * is, anything else as a {@link LoraException}). Returns the tasks' results in order.
     */
    static <T> List<T> await(List<? extends Future<T>> futures) {
        List<T> out = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
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
        return out;
    }

    /**
     * The largest estimated flops of one of {@code modules} ({@link CostModel#moduleFlops}), or the first at or above
     * {@link OperationThreads#HEAVY_FLOPS}: beyond that the operation threads are the same, and each module's estimate
     * walks the whole plan.
     */
    private static double heaviestModuleFlops(
            List<Node> roots, SortedSet<String> modules, Map<Node, AdapterType> types) {
        double most = 0;
        for (String m : modules) {
            most = Math.max(most, CostModel.moduleFlops(roots, m, types::get));
            if (most >= OperationThreads.HEAVY_FLOPS) {
                break;
            }
        }
        return most;
    }

    /** Every node of the plan with its type. */
    static Map<Node, AdapterType> types(List<Node> roots) {
        Map<Node, AdapterType> types = new IdentityHashMap<>();
        ArrayDeque<Node> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!types.containsKey(n)) {
                types.put(n, n.type());
                todo.addAll(n.children());
            }
        }
        return types;
    }

    /** Estimated bytes a module needs: every node's output for it, in the backend's precision, twice over. */
    static long workingBytes(List<Node> roots, String module) {
        return workingBytes(roots, types(roots), module);
    }

    private static long workingBytes(List<Node> roots, Map<Node, AdapterType> types, String module) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long[] total = {0};
        for (Node r : roots) {
            walk(r, types, module, seen, total);
        }
        return 2 * total[0];
    }

    private static void walk(Node n, Map<Node, AdapterType> types, String module, Set<Node> seen, long[] total) {
        if (!seen.add(n)) {
            return;
        }
        ModuleSpec m = types.get(n).modules().get(module);
        if (m == null) {
            return;
        }
        total[0] += 4L * m.rank() * (m.out() + m.in());
        for (Node c : n.children()) {
            walk(c, types, module, seen, total);
        }
    }
}
