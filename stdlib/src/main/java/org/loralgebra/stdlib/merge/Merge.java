package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Split;
import org.loralgebra.model.ModuleSpec;

/**
 * A merge of adapters, described step by step and built into a lazy {@link Adapter}:
 *
 * <pre>{@code
 * Adapter merged = Merge.of(a, b, c).method(Method.TIES_SVD).weights(0.5, 0.3, 0.2).density(0.5).rank(16).adapter();
 * }</pre>
 *
 * Each setter returns a new {@code Merge} (the value is immutable); {@link #adapter()} checks that the options fit
 * the method and names the one that does not. Defaults follow PEFT's {@code add_weighted_adapter}: method
 * {@link Method#SVD}, weights 1, majority sign {@link MajoritySign#TOTAL}, svd rank = the largest rank among the
 * inputs, no clamp; the DARE seed defaults to 0 (results are always reproducible). The methods, and which of them
 * need dense out×in work, are described in {@link Method}.
 *
 * <p>Our decisions where PEFT is silent or inconsistent: (1) on the {@code *_svd} path each update carries its
 * scale once (see {@link UpdateMerge}); (2) as in PEFT, a PEFT type over a single adapter is {@code linear};
 * (3) {@code rank} on a method that does not end in an SVD ({@code cat}, {@code linear}, {@code ties}, …,
 * {@code task_arithmetic}) truncates the result to that rank afterwards, factored (PEFT has no such option);
 * (4) a module some inputs lack is merged from the inputs that have it; (5) options a method does not use are
 * errors rather than silently ignored.
 */
public final class Merge {
    private final List<Adapter> adapters;
    private final Method method;
    private final double[] weights;
    private final Double density;
    private final MajoritySign majoritySign;
    private final Rank rank;
    private final Double svdClamp;
    private final long seed;
    private final Boolean normalize;

    private Merge(
            List<Adapter> adapters,
            Method method,
            double[] weights,
            Double density,
            MajoritySign majoritySign,
            Rank rank,
            Double svdClamp,
            long seed,
            Boolean normalize) {
        this.adapters = List.copyOf(adapters);
        this.method = method;
        this.weights = weights;
        this.density = density;
        this.majoritySign = majoritySign;
        this.rank = rank;
        this.svdClamp = svdClamp;
        this.seed = seed;
        this.normalize = normalize;
    }

    /** A merge of the given adapters (at least one). */
    public static Merge of(Adapter... adapters) {
        return of(Arrays.asList(adapters));
    }

    /** A merge of the given adapters (at least one). */
    public static Merge of(List<Adapter> adapters) {
        if (adapters.isEmpty()) {
            throw new LoraException("merge: needs at least one adapter");
        }
        return new Merge(adapters, Method.SVD, null, null, null, null, null, 0L, null);
    }

    /** The combination method (default {@link Method#SVD}, as PEFT). */
    public Merge method(Method m) {
        return new Merge(
                adapters,
                Objects.requireNonNull(m, "method"),
                weights,
                density,
                majoritySign,
                rank,
                svdClamp,
                seed,
                normalize);
    }

    /** The combination method by name ({@code ties_svd}, {@code dare_linear}, …). */
    public Merge method(String name) {
        return method(Method.parse(name));
    }

    /** One weight per adapter, in order (default all 1). Negative weights subtract. */
    public Merge weights(double... w) {
        for (double x : w) {
            if (!Double.isFinite(x)) {
                throw new LoraException("merge: weights must be finite, got " + Arrays.toString(w));
            }
        }
        return new Merge(adapters, method, w.clone(), density, majoritySign, rank, svdClamp, seed, normalize);
    }

    /** The fraction of entries kept by pruning methods, in (0, 1]. */
    public Merge density(double d) {
        if (!(d > 0 && d <= 1)) {
            throw new LoraException("merge: density must be in (0, 1], got " + d);
        }
        return new Merge(adapters, method, weights, d, majoritySign, rank, svdClamp, seed, normalize);
    }

    /** How TIES methods elect signs (default {@link MajoritySign#TOTAL}). */
    public Merge majoritySign(MajoritySign m) {
        return new Merge(
                adapters,
                method,
                weights,
                density,
                Objects.requireNonNull(m, "majoritySign"),
                rank,
                svdClamp,
                seed,
                normalize);
    }

    /** The result's rank: PEFT's {@code svd_rank} for methods ending in an SVD; a final truncation otherwise. */
    public Merge rank(int k) {
        if (k < 1) {
            throw new LoraException("merge: rank must be ≥ 1, got " + k);
        }
        return rank(Rank.of(k));
    }

    /** The result's rank as a rule (fixed, energy fraction, threshold, per module), chosen from the merged spectrum. */
    public Merge rank(Rank r) {
        return new Merge(
                adapters,
                method,
                weights,
                density,
                majoritySign,
                Objects.requireNonNull(r, "rank"),
                svdClamp,
                seed,
                normalize);
    }

    /** PEFT's {@code svd_clamp}: clamp the SVD factors' entries to the given quantile, in [0, 1]. */
    public Merge svdClamp(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new LoraException("merge: svd_clamp is a quantile in [0, 1], got " + quantile);
        }
        return new Merge(adapters, method, weights, density, majoritySign, rank, quantile, seed, normalize);
    }

    /** The seed of DARE's random drop (default 0): same seed, same bytes. */
    public Merge seed(long s) {
        return new Merge(adapters, method, weights, density, majoritySign, rank, svdClamp, s, normalize);
    }

    /** mergekit's {@code normalize} (divide by the sum of the weights) for the task-arithmetic family. */
    public Merge normalize(boolean n) {
        return new Merge(adapters, method, weights, density, majoritySign, rank, svdClamp, seed, n);
    }

    /** The lazy merged adapter; nothing is read or computed until it is saved or evaluated. */
    public Adapter adapter() {
        double[] w = weights != null ? weights : filled(adapters.size(), 1.0);
        if (w.length != adapters.size()) {
            throw new LoraException("merge: " + w.length + " weights for " + adapters.size() + " adapters");
        }
        checkOptions();
        Method m = method.isPeft() && adapters.size() == 1 ? Method.LINEAR : method;
        List<Node> nodes = adapters.stream().map(Adapter::node).toList();
        List<Double> wl = Arrays.stream(w).boxed().toList();
        double d = density == null ? 1.0 : density;
        MajoritySign sign = majoritySign == null ? MajoritySign.TOTAL : majoritySign;
        boolean norm = normalize != null ? normalize : m.normalizeByDefault();
        OptionalDouble clamp = svdClamp == null ? OptionalDouble.empty() : OptionalDouble.of(svdClamp);
        return switch (m.path()) {
            case CONCAT -> truncated(Lora.sum(w, adapters.toArray(Adapter[]::new)));
            case TASK_ARITHMETIC -> truncated(Lora.sum(norm ? normalized(w) : w, adapters.toArray(Adapter[]::new)));
            case FACTORS ->
                truncated(Adapter.of(ModuleMap.of(
                        nodes,
                        new FactorwiseMerge(
                                m,
                                wl,
                                new Combination(
                                        sparsification(m, d),
                                        m.electsSign() ? Combination.Style.PEFT_TIES : Combination.Style.SUM,
                                        sign,
                                        false),
                                seed))));
            case UPDATE, MERGEKIT -> {
                boolean mergekit = m.path() == Method.Path.MERGEKIT;
                if (!m.electsSign() && (m.pruning() == Method.Pruning.NONE || d >= 1)) {
                    // nothing to prune and no election: the merged update is Σ wᵢΔWᵢ, decomposed factored
                    double[] ws = mergekit && norm ? normalized(w) : w;
                    Adapter sum = Lora.sum(ws, adapters.toArray(Adapter[]::new));
                    Adapter truncated = sum.truncate(rank != null ? rank : Rank.of(maxRank()), Split.ALL_ON_B);
                    yield Adapter.of(ModuleMap.of(List.of(truncated.node()), new PeftSvdLayout(clamp)));
                }
                Combination.Style style = !m.electsSign()
                        ? Combination.Style.SUM
                        : mergekit ? Combination.Style.MERGEKIT_TIES : Combination.Style.PEFT_TIES;
                yield Adapter.of(ModuleMap.of(
                        nodes,
                        new UpdateMerge(
                                m,
                                wl,
                                new Combination(sparsification(m, d), style, sign, mergekit && norm),
                                seed,
                                Optional.ofNullable(rank),
                                maxRank(),
                                clamp)));
            }
        };
    }

    private void checkOptions() {
        if (method.prunes() && density == null) {
            throw new LoraException("merge: method " + method.id() + " prunes entries and needs a density in (0, 1]");
        }
        if (!method.prunes() && density != null) {
            throw new LoraException("merge: density applies to methods that prune (ties, dare_*, magnitude_prune, "
                    + "their _svd forms, mergekit_*), not to " + method.id());
        }
        if (majoritySign != null && !method.electsSign()) {
            throw new LoraException("merge: majority sign method applies to ties, dare_ties, ties_svd, dare_ties_svd, "
                    + "mergekit_ties and mergekit_dare_ties, not to " + method.id());
        }
        if (svdClamp != null && !method.endsWithSvd()) {
            throw new LoraException(
                    "merge: svd_clamp applies to the methods that end in an SVD (svd, *_svd, mergekit_*), " + "not to "
                            + method.id());
        }
        if (normalize != null && !method.normalizes()) {
            throw new LoraException(
                    "merge: normalize applies to task_arithmetic and mergekit_*, not to " + method.id());
        }
    }

    private static Sparsification sparsification(Method m, double density) {
        return switch (m.pruning()) {
            case NONE -> Sparsification.NONE;
            case MAGNITUDE -> new Sparsification(Method.Pruning.MAGNITUDE, density, Sparsification.Rescale.NONE);
            case RANDOM ->
                new Sparsification(
                        Method.Pruning.RANDOM,
                        density,
                        m.path() == Method.Path.MERGEKIT
                                ? Sparsification.Rescale.L1
                                : Sparsification.Rescale.INVERSE_DENSITY);
        };
    }

    private Adapter truncated(Adapter a) {
        return rank == null ? a : a.truncate(rank);
    }

    /** PEFT's default svd rank: the largest rank among the inputs. */
    private int maxRank() {
        return adapters.stream()
                .flatMap(a -> a.type().modules().values().stream())
                .mapToInt(ModuleSpec::rank)
                .max()
                .orElse(1);
    }

    private static double[] normalized(double[] w) {
        double total = Arrays.stream(w).sum();
        double div = Math.abs(total) < 1e-8 ? 1.0 : total;
        return Arrays.stream(w).map(x -> x / div).toArray();
    }

    private static double[] filled(int n, double v) {
        double[] w = new double[n];
        Arrays.fill(w, v);
        return w;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(method.id());
        parts.add("weights=" + (weights == null ? "1" : Arrays.toString(weights)));
        if (density != null) {
            parts.add(String.format(Locale.ROOT, "density=%s", density));
        }
        if (majoritySign != null) {
            parts.add("majority_sign=" + majoritySign.peftName());
        }
        if (rank != null) {
            parts.add("rank=" + rank);
        }
        if (svdClamp != null) {
            parts.add("svd_clamp=" + svdClamp);
        }
        if (normalize != null) {
            parts.add("normalize=" + normalize);
        }
        if (method.isRandom()) {
            parts.add("seed=" + seed);
        }
        return "Merge " + String.join(" ", parts) + " of "
                + adapters.stream().map(Adapter::label).toList();
    }
}
