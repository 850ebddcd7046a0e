package org.loralgebra.stdlib.route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralgebra.Adapter;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The benchmark's routing workload, set up so that only routing is timed: for every module the experts share, a
 * {@link ModuleRoute} with a random linear top-k gate (entries N(0, 1/in)) and a batch of N(0, 1) tokens (one
 * batch and one gate per input width, as the numpy peer draws one per module class), all read and uploaded by
 * {@link #prepare}; {@link #run()} then routes every module's batch once.
 *
 * <pre>{@code
 * RouteWorkload w = RouteWorkload.prepare(experts, List.of("model.layers.0.self_attn.q_proj"), 4096, 2, 0); // untimed
 * long t0 = System.nanoTime();
 * w.run();                                                                                              // timed
 * }</pre>
 */
public final class RouteWorkload {
    private final Map<String, ModuleRoute> routes;
    private final Map<String, Activations> batches;

    private RouteWorkload(Map<String, ModuleRoute> routes, Map<String, Activations> batches) {
        this.routes = routes;
        this.batches = batches;
    }

    /** Every module common to all experts. */
    public static RouteWorkload prepare(List<Adapter> experts, int tokens, int topK, long seed) {
        List<String> common = new ArrayList<>();
        for (String m : experts.get(0).modules()) {
            if (experts.stream().allMatch(a -> a.modules().contains(m))) {
                common.add(m);
            }
        }
        if (common.isEmpty()) {
            throw new LoraException("route workload: the experts share no module");
        }
        return prepare(experts, common, tokens, topK, seed);
    }

    /**
     * The given modules: reads the experts' factors, draws the gates and batches (seeded), and readies each
     * module's route with the default execution ({@link Execution#AUTO}).
     */
    public static RouteWorkload prepare(
            List<Adapter> experts, Collection<String> modules, int tokens, int topK, long seed) {
        return prepare(experts, modules, tokens, topK, seed, Execution.AUTO);
    }

    /** The given modules, each computed as {@code execution} says (to compare executions on one workload). */
    public static RouteWorkload prepare(
            List<Adapter> experts, Collection<String> modules, int tokens, int topK, long seed, Execution execution) {
        if (experts.isEmpty() || tokens < 1) {
            throw new LoraException("route workload: need experts and at least one token, got " + experts.size()
                    + " experts and " + tokens + " tokens");
        }
        Map<Integer, LinearGate> gates = new LinkedHashMap<>();
        Map<Integer, Activations> byWidth = new LinkedHashMap<>();
        Map<String, ModuleRoute> routes = new LinkedHashMap<>();
        Map<String, Activations> batches = new LinkedHashMap<>();
        for (String m : modules) {
            int in = experts.get(0).module(m).in();
            // seeds from (seed, width): a module gets the same gate and batch whichever modules are chosen
            LinearGate gate = gates.computeIfAbsent(in, w -> randomGate(experts.size(), w, seed * 1_000_003L + w));
            Activations x =
                    byWidth.computeIfAbsent(in, w -> Activations.gaussian(tokens, w, seed * 1_000_003L + 500_009L + w));
            routes.put(
                    m,
                    Route.of(experts).gate(gate).topK(topK).execution(execution).prepare(m));
            batches.put(m, x);
        }
        batches.forEach((m, x) -> routes.get(m).upload(x)); // upload now, untimed
        return new RouteWorkload(routes, batches);
    }

    private static LinearGate randomGate(int experts, int in, long seed) {
        Random rnd = new Random(seed);
        double[] w = new double[experts * in];
        double sd = 1 / Math.sqrt(in);
        for (int i = 0; i < w.length; i++) {
            w[i] = sd * rnd.nextGaussian();
        }
        return Gate.linear(Tensor.ofDoubles(DType.F32, new long[] {experts, in}, w));
    }

    /** Routes every module's batch once (the timed part); returns the number of tokens routed. */
    public long run() {
        long tokens = 0;
        for (Map.Entry<String, ModuleRoute> e : routes.entrySet()) {
            Routing r = e.getValue().apply(batches.get(e.getKey()));
            tokens += r.tokens();
            r.free(); // nothing reads it: free it now rather than at the next garbage collection
        }
        return tokens;
    }

    /** Routes one module's batch. */
    public Routing run(String module) {
        ModuleRoute r = routes.get(module);
        if (r == null) {
            throw new LoraException(
                    "route workload: no module '" + module + "'; it holds " + routes.size() + " modules");
        }
        return r.apply(batches.get(module));
    }

    /** The modules, in order. */
    public List<String> modules() {
        return List.copyOf(routes.keySet());
    }

    /** One module's prepared route. */
    public ModuleRoute route(String module) {
        return routes.get(module);
    }

    /** One module's batch. */
    public Activations batch(String module) {
        return batches.get(module);
    }

    @Override
    public String toString() {
        return "RouteWorkload[" + routes.size() + " modules, "
                + batches.values().stream().findFirst().map(Activations::tokens).orElse(0) + " tokens each]";
    }
}
