package org.loralgebra.stdlib.bench;

import java.util.List;
import java.util.Set;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.graph.ModuleFilter;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;

/**
 * The 2025 merging methods as {@code lora bench --methods} runs them, with the inputs and parameters of the numpy
 * peer's {@code BENCH_PARAMS} ({@code bench/lorapeer/methods.py}), so that both sides compute the same merge: the
 * peer the way the method's reference code does (dense updates), ours as {@link Merge} does.
 */
public final class MethodOps {
    /** The methods, in the order the report lists them. */
    public static final List<String> METHODS = List.of(
            "core_space",
            "knots_ties",
            "knots_dare_ties",
            "tsv",
            "iso_c",
            "iso_cts",
            "breadcrumbs",
            "breadcrumbs_ties",
            "della",
            "della_linear",
            "sce",
            "model_stock",
            "karcher",
            "nuslerp");

    private MethodOps() {}

    /** How many adapters the method merges here: two for nuslerp (mergekit's is pairwise), three otherwise. */
    public static int inputs(String method) {
        return method.equals("nuslerp") ? 2 : 3;
    }

    /**
     * The merge of {@code inputs} by {@code method} with the peer's parameters: core_space on task arithmetic,
     * knots_ties density 0.2, knots_dare_ties keep probability 0.9 (seed 0), iso_cts common-space fraction 0.8,
     * breadcrumbs density 0.9 and γ 0.01, della density 0.5 and ε 0.15 (seed 0), sce select_topk 0.5; the
     * element-wise ones end in a rank-16 SVD; the others take their defaults.
     */
    public static Merge merge(String method, List<Adapter> inputs) {
        if (!METHODS.contains(method)) {
            throw new LoraException(
                    "unknown bench merge method '" + method + "'; known: " + String.join(", ", METHODS));
        }
        Merge m = Merge.of(inputs).method(method);
        return switch (method) {
            case "core_space" -> m.coreMerge("ta");
            case "knots_ties" -> m.density(0.2);
            case "knots_dare_ties" -> m.density(0.9).seed(0);
            case "iso_cts" -> m.commonSpaceFraction(0.8);
            case "breadcrumbs", "breadcrumbs_ties" -> m.density(0.9).gamma(0.01).rank(StandardOps.RANK);
            case "della", "della_linear" -> m.density(0.5).epsilon(0.15).seed(0).rank(StandardOps.RANK);
            case "sce" -> m.selectTopK(0.5).rank(StandardOps.RANK);
            default -> m;
        };
    }

    /** Whether our implementation of {@code method} forms dense out×in updates (else it works on factors). */
    public static boolean dense(String method) {
        return Method.parse(method).isDense();
    }

    /** The timed merge of one module of the first {@link #inputs} adapters, materialized. */
    public static BenchOp op(String method) {
        return BenchOp.sampled(method, inputs(method), (in, scratch, module) -> {
            List<Adapter> adapters = in.stream()
                    .map(p -> Lora.load(p).select(ModuleFilter.names(Set.of(module))))
                    .toList();
            Adapter merged = merge(method, adapters).adapter();
            return merged::eval;
        });
    }
}
