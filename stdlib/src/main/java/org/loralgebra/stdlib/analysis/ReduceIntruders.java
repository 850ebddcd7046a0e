package org.loralgebra.stdlib.analysis;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.SaveOptions;
import org.loralgebra.exec.Roots;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleSpec;

/**
 * Intruder-dimension reduction (Shuttleworth et al. 2024, "LoRA vs Full Fine-tuning: An Illusion of Equivalence";
 * PEFT 0.19's {@code reduce_intruder_dimension}), per module with base weight W and {@code ΔW = s·B·A}:
 * <ol>
 *   <li>the SVDs of W and of {@code W + ΔW}; each of the top k left singular vectors {@code u_i} of {@code W + ΔW}
 *       whose best |cosine| with all of W's left singular vectors is below ε is an intruder, {@code i ∈ I};</li>
 *   <li>{@code ΔW' = } the best rank-r approximation of {@code ΔW + (λ − 1)·Σ_{i∈I} σ_i u_i v_iᵀ};</li>
 *   <li>written back with the adapter's own r and scale, {@code s·B'·A' = ΔW'}, {@code √S} split evenly between
 *       B' and A' as PEFT does. A module without intruders keeps its factors exactly.</li>
 * </ol>
 * Detection is exact: full SVD of W (every left singular vector, as the definition compares with all of them)
 * and the top k of {@code W + ΔW} (LAPACK's {@code gesdd}/{@code gesvdx}); the randomized SVDs of
 * {@link IntruderDimensions} are not used here. Those two dense SVDs are the cost; the refit works on the
 * factors. Vectors are taken in the update's {@code [out, in]} orientation for every module (a GPT-2 Conv1D
 * weight is transposed first), where PEFT takes the SVD of the stored tensor. Defaults are PEFT's: k = 10,
 * ε = 0.5, λ = 0.75.
 *
 * <pre>{@code
 * IntruderReduction r = ReduceIntruders.of(baseDir, adapter).lambda(0.5).save(out);
 * }</pre>
 */
public final class ReduceIntruders {
    /** PEFT's {@code mitigation_lambda}. */
    public static final double DEFAULT_LAMBDA = 0.75;

    private final Checkpoint base;
    private final Adapter adapter;
    private final int topK;
    private final double epsilon;
    private final double lambda;

    private ReduceIntruders(Checkpoint base, Adapter adapter, int topK, double epsilon, double lambda) {
        this.base = base;
        this.adapter = adapter;
        this.topK = topK;
        this.epsilon = epsilon;
        this.lambda = lambda;
    }

    /** Reduction of {@code adapter}'s intruders against the base model at {@code baseModel} (as {@link Checkpoint#open} reads it). */
    public static ReduceIntruders of(Path baseModel, Adapter adapter) {
        return of(Checkpoint.open(baseModel), adapter);
    }

    /** Reduction of {@code adapter}'s intruders against an opened checkpoint. */
    public static ReduceIntruders of(Checkpoint base, Adapter adapter) {
        return new ReduceIntruders(
                base, adapter, IntruderOptions.DEFAULT_TOP_K, IntruderOptions.DEFAULT_EPSILON, DEFAULT_LAMBDA);
    }

    /** The same examining the top {@code k} singular vectors of {@code W + ΔW} (PEFT's {@code top_k}, 10). */
    public ReduceIntruders topK(int k) {
        if (k < 1) {
            throw new LoraException("reduce-intruders: top-k must be ≥ 1, got " + k);
        }
        return new ReduceIntruders(base, adapter, k, epsilon, lambda);
    }

    /** The same with threshold ε in (0, 1] (PEFT's {@code threshold_epsilon}, 0.5). */
    public ReduceIntruders epsilon(double e) {
        if (!(e > 0 && e <= 1)) {
            throw new LoraException("reduce-intruders: epsilon must be in (0, 1], got " + e);
        }
        return new ReduceIntruders(base, adapter, topK, e, lambda);
    }

    /**
     * The same keeping the share λ of each intruder direction (PEFT's {@code mitigation_lambda}, 0.75; 1 changes
     * nothing but the rank-r refit, 0 removes the intruders).
     */
    public ReduceIntruders lambda(double l) {
        if (!Double.isFinite(l)) {
            throw new LoraException("reduce-intruders: lambda must be a finite number, got " + l);
        }
        return new ReduceIntruders(base, adapter, topK, epsilon, l);
    }

    /** k. */
    public int topK() {
        return topK;
    }

    /** ε. */
    public double epsilon() {
        return epsilon;
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** The reduced adapter, lazy: each module's base weight is read and its SVDs run when the module is evaluated. */
    public Adapter adapter() {
        return adapter(new IntruderReductionKernel.Log());
    }

    /** Runs the reduction and measures it per module (nothing is written). */
    public IntruderReduction report() {
        IntruderReductionKernel.Log log = new IntruderReductionKernel.Log();
        Adapter reduced = adapter(log);
        Roots roots = new Roots();
        roots.factors(reduced.node());
        Lora.evaluate(roots, new TreeSet<>(reduced.modules()), (module, values) -> {});
        return report(log);
    }

    /**
     * Runs the reduction once and keeps its result in memory: the reduced adapter, evaluated ({@link Adapter#eval()}),
     * with its measurements. For a caller that needs both, this runs the SVDs once where {@link #report()} followed
     * by an evaluation of {@link #adapter()} runs them twice.
     */
    public Reduced evaluate() {
        IntruderReductionKernel.Log log = new IntruderReductionKernel.Log();
        Adapter reduced = adapter(log).eval();
        return new Reduced(reduced, report(log));
    }

    /**
     * A reduction's result held in memory.
     *
     * @param adapter the reduced adapter, evaluated
     * @param report what the reduction found and changed, per module
     */
    public record Reduced(Adapter adapter, IntruderReduction report) {}

    /** Runs the reduction once, writes the adapter atomically (a PEFT folder unless the options say otherwise), and measures it. */
    public IntruderReduction save(Path out, SaveOptions options) {
        IntruderReductionKernel.Log log = new IntruderReductionKernel.Log();
        adapter(log).save(out, options);
        return report(log);
    }

    /** {@link #save(Path, SaveOptions)} with the default options. */
    public IntruderReduction save(Path out) {
        return save(out, SaveOptions.defaults());
    }

    private IntruderReduction report(IntruderReductionKernel.Log log) {
        return new IntruderReduction(adapter.label(), base.location().toString(), topK, epsilon, lambda, log.modules());
    }

    /**
     * The reduced adapter, its measurements going to {@code log}. Every module's base weight is located and its
     * shape checked first.
     *
     * @throws LoraException when a module is DoRA or has no base weight of the right shape
     */
    private Adapter adapter(IntruderReductionKernel.Log log) {
        Map<String, ModuleWeight> weights = new LinkedHashMap<>();
        for (ModuleSpec spec : adapter.type().modules().values()) {
            if (spec.dora()) {
                throw new LoraException("reduce-intruders: module '" + spec.name() + "' of '" + adapter.label()
                        + "' is DoRA (its fine-tuned weight is not W + ΔW); reduce adapter.withoutDora() instead"
                        + " (--without-dora on the command line)");
            }
            weights.put(spec.name(), base.weight(spec));
        }
        return Adapter.of(ModuleMap.of(
                List.of(adapter.node()), new IntruderReductionKernel(Map.copyOf(weights), topK, epsilon, lambda, log)));
    }

    @Override
    public String toString() {
        return "ReduceIntruders[" + adapter.label() + " against " + base.location() + ", top-k " + topK + ", ε "
                + epsilon + ", λ " + lambda + "]";
    }
}
