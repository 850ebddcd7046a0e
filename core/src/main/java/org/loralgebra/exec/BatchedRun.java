package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Project;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;

/**
 * A run of a plan whose decompositions go to the backend as batches across modules, for a backend that asks for them
 * ({@link Backend#batchesModules()}, a GPU): one launch per step and shape for many modules instead of a few per
 * module. Modules are taken in groups whose estimated working memory fits the engine's budget (a module above it
 * forms a group alone). For each group, each decomposition node of the plan in post-order (a decomposition that feeds
 * another comes first): every module's input factors are evaluated (modules in parallel), decomposed in one call of
 * {@link Factored#svdBatch} or {@link Factored#singularValuesBatch} (which group by shape), and the results are
 * recorded as the modules' values of the node; then the rest of the plan is evaluated module by module, in parallel,
 * as in the engine's ordinary run, and each module handed to the consumer. The values are those of the ordinary run
 * on the same backend (bit for bit where the backend's batch operations loop its single ones). A batch that fails
 * with a numeric or backend error is redone module by module, so that an error names its module
 * ({@link ModuleDiagnosis}) as in the ordinary run. No {@link MatrixScope} is opened: a module's matrices cross
 * threads between the phases, and are freed when unreachable.
 */
final class BatchedRun {
    private final Engine engine;
    private final ExecutorService pool;
    private final List<Node> roots;
    private final Map<Node, AdapterType> types;
    private final List<Node> decompositions;

    /** {@code decompositions}: the plan's batched decomposition nodes in post-order ({@link #decompositions}). */
    BatchedRun(
            Engine engine,
            ExecutorService pool,
            List<Node> roots,
            Map<Node, AdapterType> types,
            List<Node> decompositions) {
        this.engine = engine;
        this.pool = pool;
        this.roots = roots;
        this.types = types;
        this.decompositions = decompositions;
    }

    /**
     * The decomposition nodes ({@link Decompose}, {@link DecomposeSum}) of a plan to batch, children before parents;
     * empty when there are none, or when the plan must run module by module to give the ordinary run's values: a
     * decomposition with vectors that a one-sided {@link Project} removes is computed for that side only by the
     * ordinary run ({@link Factored#oneSidedSvd}), so it is not batched, and a plan that also uses such a node
     * elsewhere (where which of the two is computed first depends on the order of evaluation) is not batched at all.
     */
    static List<Node> decompositions(List<Node> plan) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> onlySided = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> elsewhere = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> postOrder = new ArrayList<>();
        elsewhere.addAll(plan);
        for (Node r : plan) {
            walk(r, seen, onlySided, elsewhere, postOrder);
        }
        List<Node> out = new ArrayList<>();
        for (Node n : postOrder) {
            boolean sided = onlySided.contains(n);
            if (sided && elsewhere.contains(n)) {
                return List.of();
            }
            if (!sided && (n instanceof Decompose || n instanceof DecomposeSum)) {
                out.add(n);
            }
        }
        return out;
    }

    private static void walk(Node n, Set<Node> seen, Set<Node> sided, Set<Node> elsewhere, List<Node> postOrder) {
        if (!seen.add(n)) {
            return;
        }
        for (Node c : n.children()) {
            boolean offOneSide = n instanceof Project p
                    && c == p.off()
                    && c != p.input()
                    && p.side() != Side.BOTH
                    && c instanceof Decompose d
                    && d.vectors();
            (offOneSide ? sided : elsewhere).add(c);
            walk(c, seen, sided, elsewhere, postOrder);
        }
        postOrder.add(n);
    }

    /** Runs the plan over {@code modules}, each module's estimated working memory given by {@code bytes}. */
    void run(
            Roots rootsOfRun,
            SortedSet<String> modules,
            ToLongFunction<String> bytes,
            ModuleConsumer consumer,
            ProgressListener listener) {
        AtomicInteger done = new AtomicInteger();
        int total = modules.size();
        for (List<String> group : groups(modules, engine.options().memoryBudgetBytes(), bytes)) {
            Map<String, ModuleEvaluation> evals = new LinkedHashMap<>();
            for (String m : group) {
                evals.put(m, new ModuleEvaluation(engine.backend(), m, types));
            }
            for (Node d : decompositions) {
                List<ModuleEvaluation> having =
                        evals.values().stream().filter(e -> e.has(d)).toList();
                if (!having.isEmpty()) {
                    decompose(d, having);
                }
            }
            eachModule(List.copyOf(evals.values()), e -> {
                List<ModuleValue> values = new ArrayList<>(roots.size());
                for (Node root : roots) {
                    values.add(e.value(root));
                }
                consumer.accept(e.module(), new ModuleValues(rootsOfRun, values));
                listener.progressed(done.incrementAndGet(), total, e.module());
                return null;
            });
        }
    }

    /** The node's decomposition for each module, computed as one batch, recorded as the modules' values of it. */
    private void decompose(Node node, List<ModuleEvaluation> evals) {
        boolean vectors = node instanceof Decompose d ? d.vectors() : ((DecomposeSum) node).vectors();
        List<ModuleFactors> inputs = eachModule(evals, e -> e.decompositionInput(node));
        Backend backend = engine.backend();
        List<ModuleSvd> out;
        try {
            if (vectors) {
                out = Factored.svdBatch(backend, inputs);
            } else {
                List<double[]> values = Factored.singularValuesBatch(backend, inputs);
                out = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    out.add(ModuleEvaluation.valuesOnly(inputs.get(i), values.get(i)));
                }
            }
        } catch (LoraException batchFailed) {
            // one module's bad values (or a device's refusal) fail the whole batch: redo it module by module, so
            // that an error is the module's own and names it
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < evals.size(); i++) {
                at.add(i);
            }
            out = eachModule(at, i -> evals.get(i), i -> evals.get(i).decompose(inputs.get(i), vectors));
        }
        for (int i = 0; i < evals.size(); i++) {
            evals.get(i).seed(node, out.get(i));
        }
    }

    private <R> List<R> eachModule(List<ModuleEvaluation> evals, Function<ModuleEvaluation, R> work) {
        return eachModule(evals, e -> e, work);
    }

    /**
     * {@code work} for each item on the engine's module threads, results in order; a failure is reported with its
     * module ({@link ModuleDiagnosis}) and stops the run.
     */
    private <T, R> List<R> eachModule(List<T> items, Function<T, ModuleEvaluation> evalOf, Function<T, R> work) {
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(pool.submit(() -> {
                engine.enterModuleThread();
                try {
                    return work.apply(item);
                } catch (RuntimeException e) {
                    throw ModuleDiagnosis.wrap(e, evalOf.apply(item).module(), roots);
                }
            }));
        }
        return Engine.await(futures);
    }

    /**
     * {@code modules} in order, in groups whose summed {@code bytes} stay within {@code budget}; a module above the
     * budget forms a group alone.
     */
    static List<List<String>> groups(SortedSet<String> modules, long budget, ToLongFunction<String> bytes) {
        List<List<String>> out = new ArrayList<>();
        List<String> group = new ArrayList<>();
        long used = 0;
        for (String m : modules) {
            long need = Math.max(1, bytes.applyAsLong(m));
            if (!group.isEmpty() && used + need > budget) {
                out.add(group);
                group = new ArrayList<>();
                used = 0;
            }
            group.add(m);
            used += need;
        }
        if (!group.isEmpty()) {
            out.add(group);
        }
        return out;
    }
}
