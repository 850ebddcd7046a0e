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
 * errors rather than silently ignored; (6) the 2025 methods (core space, TSV, Iso, KnOTS) take no weights in their
 * references: here each weight scales its update before the merge (weights 1 reproduce the reference), and
 * {@code alpha} scales the result; so do model_stock and karcher, while nuslerp's weights are mergekit's
 * interpolation weights (t = w₁/(w₀ + w₁)).
 */
public final class Merge {
    private final List<Adapter> adapters;
    private Method method;
    private double[] weights;
    private Double density;
    private MajoritySign majoritySign;
    private Rank rank;
    private Double svdClamp;
    private long seed;
    private Boolean normalize;
    private CoreMerge coreMerge;
    private Boolean isotropize;
    private Double commonSpaceFraction;
    private Double alpha;
    private Double cartRankFraction;
    private Double cartWeight;
    private Double epsilon;
    private Double gamma;
    private Double selectTopK;
    private ThresholdScope thresholdScope;

    // every option method returns a modified copy; no instance is changed after it is returned
    private Merge(List<Adapter> adapters) {
        this.adapters = List.copyOf(adapters);
        this.method = Method.SVD;
    }

    private Merge copy() {
        Merge c = new Merge(adapters);
        c.method = method;
        c.weights = weights;
        c.density = density;
        c.majoritySign = majoritySign;
        c.rank = rank;
        c.svdClamp = svdClamp;
        c.seed = seed;
        c.normalize = normalize;
        c.coreMerge = coreMerge;
        c.isotropize = isotropize;
        c.commonSpaceFraction = commonSpaceFraction;
        c.alpha = alpha;
        c.cartRankFraction = cartRankFraction;
        c.cartWeight = cartWeight;
        c.epsilon = epsilon;
        c.gamma = gamma;
        c.selectTopK = selectTopK;
        c.thresholdScope = thresholdScope;
        return c;
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
        return new Merge(adapters);
    }

    /** The combination method (default {@link Method#SVD}, as PEFT). */
    public Merge method(Method m) {
        Merge c = copy();
        c.method = Objects.requireNonNull(m, "method");
        return c;
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
        Merge c = copy();
        c.weights = w.clone();
        return c;
    }

    /** The fraction of entries kept by pruning methods, in (0, 1]. */
    public Merge density(double d) {
        if (!(d > 0 && d <= 1)) {
            throw new LoraException("merge: density must be in (0, 1], got " + d);
        }
        Merge c = copy();
        c.density = d;
        return c;
    }

    /** How TIES methods elect signs (default {@link MajoritySign#TOTAL}). */
    public Merge majoritySign(MajoritySign m) {
        Merge c = copy();
        c.majoritySign = Objects.requireNonNull(m, "majoritySign");
        return c;
    }

    /**
     * {@link Method#KNOTS_TIES}: where the TIES threshold is taken ({@link ThresholdScope#MODULE} by default;
     * {@link ThresholdScope#GLOBAL} over every module at once, as the KnOTS reference, which evaluates the inputs'
     * task blocks once when {@link #adapter()} is called).
     */
    public Merge thresholdScope(ThresholdScope scope) {
        Merge c = copy();
        c.thresholdScope = Objects.requireNonNull(scope, "thresholdScope");
        return c;
    }

    /** {@link #thresholdScope(ThresholdScope)} by name: {@code module} or {@code global}. */
    public Merge thresholdScope(String scope) {
        return thresholdScope(ThresholdScope.parse(scope));
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
        Merge c = copy();
        c.rank = Objects.requireNonNull(r, "rank");
        return c;
    }

    /** PEFT's {@code svd_clamp}: clamp the SVD factors' entries to the given quantile, in [0, 1]. */
    public Merge svdClamp(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new LoraException("merge: svd_clamp is a quantile in [0, 1], got " + quantile);
        }
        Merge c = copy();
        c.svdClamp = quantile;
        return c;
    }

    /** The seed of DARE's random drop (default 0): same seed, same bytes. */
    public Merge seed(long s) {
        Merge c = copy();
        c.seed = s;
        return c;
    }

    /** mergekit's {@code normalize} (divide by the sum of the weights) for the task-arithmetic family. */
    public Merge normalize(boolean n) {
        Merge c = copy();
        c.normalize = n;
        return c;
    }

    /** The merge {@link Method#CORE_SPACE} runs on the cores (default {@link CoreMerge#TA}). */
    public Merge coreMerge(CoreMerge m) {
        Merge c = copy();
        c.coreMerge = Objects.requireNonNull(m, "coreMerge");
        return c;
    }

    /** The merge {@link Method#CORE_SPACE} runs on the cores, by name ({@code ta}, {@code tsv}, …). */
    public Merge coreMerge(String name) {
        return coreMerge(CoreMerge.parse(name));
    }

    /** {@link Method#CORE_SPACE}: replace the merged core's singular values by their mean (default false). */
    public Merge isotropize(boolean on) {
        Merge c = copy();
        c.isotropize = on;
        return c;
    }

    /** {@link Method#ISO_CTS}: the fraction of the spectrum given to the common space, in [0, 1] (default 0.8). */
    public Merge commonSpaceFraction(double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new LoraException("merge: common_space_fraction must be in [0, 1], got " + f);
        }
        Merge c = copy();
        c.commonSpaceFraction = f;
        return c;
    }

    /** The final scale α of the 2025 methods (core space, TSV, Iso, KnOTS, …), finite (default 1). */
    public Merge alpha(double a) {
        if (!Double.isFinite(a)) {
            throw new LoraException("merge: alpha must be finite, got " + a);
        }
        Merge c = copy();
        c.alpha = a;
        return c;
    }

    /** CART's rank fraction ρ in (0, 1]: each residual is truncated to rank ⌈ρ·R⌉ (default 0.04). */
    public Merge cartRankFraction(double rho) {
        if (!(rho > 0 && rho <= 1)) {
            throw new LoraException("merge: cart_rank_fraction must be in (0, 1], got " + rho);
        }
        Merge c = copy();
        c.cartRankFraction = rho;
        return c;
    }

    /** CART's weight λ of the low-rank residuals, finite (default 0.1). */
    public Merge cartWeight(double lambda) {
        if (!Double.isFinite(lambda)) {
            throw new LoraException("merge: cart_weight must be finite, got " + lambda);
        }
        Merge c = copy();
        c.cartWeight = lambda;
        return c;
    }

    /** DELLA's ε: keep probabilities span [d − ε, d + ε] by magnitude rank in each row (default 0.15). */
    public Merge epsilon(double e) {
        if (!(e >= 0 && e < 1)) {
            throw new LoraException("merge: epsilon must be in [0, 1), got " + e);
        }
        Merge c = copy();
        c.epsilon = e;
        return c;
    }

    /**
     * Breadcrumbs' γ: the fraction of each tensor's largest-magnitude entries dropped as outliers, ⌊γN⌋ of N
     * (default 0.01).
     */
    public Merge gamma(double g) {
        if (!(g >= 0 && g <= 1)) {
            throw new LoraException("merge: gamma must be in [0, 1], got " + g);
        }
        Merge c = copy();
        c.gamma = g;
        return c;
    }

    /**
     * sce's select_topk τ: keep the ⌊τ·#(var ≠ 0)⌋ entries of largest variance across the inputs (default 1 = keep
     * all).
     */
    public Merge selectTopK(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new LoraException("merge: select_topk must be in [0, 1], got " + t);
        }
        Merge c = copy();
        c.selectTopK = t;
        return c;
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
        double d = prunedDensity().orElse(1.0);
        double a = alpha == null ? 1.0 : alpha;
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
            case CORE -> {
                CoreMerge inner = switch (m) {
                    case TSV -> CoreMerge.TSV;
                    case ISO_C, ISO_CTS -> CoreMerge.TA;
                    default -> coreMerge == null ? CoreMerge.TA : coreMerge;
                };
                boolean iso = m == Method.ISO_C || Boolean.TRUE.equals(isotropize);
                yield truncated(Adapter.of(ModuleMap.of(
                        nodes,
                        new CoreSpaceMerge(
                                m,
                                wl,
                                inner,
                                iso,
                                d,
                                sign,
                                seed,
                                commonSpaceFraction == null ? 0.8 : commonSpaceFraction,
                                cartRankFraction == null ? 0.04 : cartRankFraction,
                                cartWeight == null ? 0.1 : cartWeight,
                                a))));
            }
            case KNOTS -> {
                List<Float> thresholds =
                        thresholdScope == ThresholdScope.GLOBAL ? KnotsThresholds.global(adapters, wl, d) : List.of();
                yield truncated(Adapter.of(ModuleMap.of(nodes, new KnotsMerge(m, wl, d, sign, seed, a, thresholds))));
            }
            case GRAM -> truncated(Adapter.of(ModuleMap.of(nodes, new GramMerge(m, wl, a))));
            case DELLA -> {
                double e = epsilon == null ? 0.15 : epsilon;
                if (!(d - e > 0 && d + e < 1)) {
                    throw new LoraException("merge: " + m.id() + " keeps entries with probabilities in [density − "
                            + "epsilon, density + epsilon], which must lie in (0, 1); got density " + d
                            + " and epsilon " + e);
                }
                yield Adapter.of(ModuleMap.of(
                        nodes, new DellaMerge(m, wl, d, e, sign, seed, Optional.ofNullable(rank), maxRank(), clamp)));
            }
            case BREADCRUMBS ->
                Adapter.of(ModuleMap.of(
                        nodes,
                        new BreadcrumbsMerge(
                                m,
                                wl,
                                d,
                                gamma == null ? 0.01 : gamma,
                                sign,
                                norm,
                                Optional.ofNullable(rank),
                                maxRank(),
                                clamp)));
            case SCE ->
                Adapter.of(ModuleMap.of(
                        nodes,
                        new SceMerge(
                                selectTopK == null ? 1.0 : selectTopK, Optional.ofNullable(rank), maxRank(), clamp)));
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

    /**
     * The density this merge prunes with: the one given, else its method's (or core merge's) default; empty for a
     * merge that does not prune.
     */
    public OptionalDouble prunedDensity() {
        if (density != null) {
            return OptionalDouble.of(density);
        }
        double d = defaultDensity();
        return method.prunes() || !Double.isNaN(d) && coreMergeIs(CoreMerge.TIES, CoreMerge.DARE_TIES)
                ? OptionalDouble.of(d)
                : OptionalDouble.empty();
    }

    /** The density used when none is set: the method's (or the core merge's) reference default, else NaN. */
    private double defaultDensity() {
        if (method == Method.CORE_SPACE && coreMerge != null) {
            return coreMerge.defaultDensity();
        }
        return method.defaultDensity();
    }

    private boolean coreMergeIs(CoreMerge... ms) {
        return method == Method.CORE_SPACE
                && coreMerge != null
                && Arrays.asList(ms).contains(coreMerge);
    }

    private void checkOptions() {
        if (method == Method.NUSLERP && adapters.size() != 2) {
            throw new LoraException("merge: nuslerp interpolates exactly 2 adapters, got " + adapters.size());
        }
        if (!method.prunes() && density != null && !coreMergeIs(CoreMerge.TIES, CoreMerge.DARE_TIES)) {
            throw new LoraException("merge: density applies to methods that prune (ties, dare_*, magnitude_prune, "
                    + "their _svd forms, mergekit_*), not to " + method.id());
        }
        if (majoritySign != null && !method.electsSign() && !coreMergeIs(CoreMerge.TIES, CoreMerge.DARE_TIES)) {
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
                    "merge: normalize applies to task_arithmetic, mergekit_* and breadcrumbs*, not to " + method.id());
        }
        if (coreMerge != null && method != Method.CORE_SPACE) {
            throw new LoraException("merge: core_merge applies to core_space, not to " + method.id());
        }
        if (isotropize != null && method != Method.CORE_SPACE) {
            throw new LoraException(
                    "merge: isotropize applies to core_space (iso_c always isotropizes), not to " + method.id());
        }
        if (commonSpaceFraction != null && method != Method.ISO_CTS) {
            throw new LoraException("merge: common_space_fraction applies to iso_cts, not to " + method.id());
        }
        if ((cartRankFraction != null || cartWeight != null) && !coreMergeIs(CoreMerge.CART)) {
            throw new LoraException("merge: cart_rank_fraction and cart_weight apply to core_space with core merge "
                    + "cart, not to " + method.id() + (coreMerge != null ? " with " + coreMerge : ""));
        }
        if (epsilon != null && method.path() != Method.Path.DELLA) {
            throw new LoraException("merge: epsilon applies to della and della_linear, not to " + method.id());
        }
        if (gamma != null && method.path() != Method.Path.BREADCRUMBS) {
            throw new LoraException("merge: gamma applies to breadcrumbs and breadcrumbs_ties, not to " + method.id());
        }
        if (thresholdScope != null && method != Method.KNOTS_TIES) {
            throw new LoraException("merge: threshold_scope applies to knots_ties, not to " + method.id());
        }
        if (selectTopK != null && method != Method.SCE) {
            throw new LoraException("merge: select_topk applies to sce, not to " + method.id());
        }
        if (weights != null && method == Method.SCE) {
            throw new LoraException("merge: sce takes no weights (it weighs each update by its mean square); got "
                    + Arrays.toString(weights));
        }
        if (alpha != null && !method.takesAlpha()) {
            throw new LoraException("merge: alpha applies to the 2025 methods (core_space, tsv, iso_c, iso_cts, "
                    + "knots_*, model_stock, karcher, nuslerp), not to " + method.id() + "; scale the result instead");
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
        } else if (method.prunes()) {
            parts.add(String.format(Locale.ROOT, "density=%s (default)", defaultDensity()));
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
        if (coreMerge != null) {
            parts.add("core_merge=" + coreMerge.id());
        }
        if (isotropize != null) {
            parts.add("isotropize=" + isotropize);
        }
        if (commonSpaceFraction != null) {
            parts.add("common_space_fraction=" + commonSpaceFraction);
        }
        if (cartRankFraction != null) {
            parts.add("cart_rank_fraction=" + cartRankFraction);
        }
        if (cartWeight != null) {
            parts.add("cart_weight=" + cartWeight);
        }
        if (alpha != null) {
            parts.add("alpha=" + alpha);
        }
        if (epsilon != null) {
            parts.add("epsilon=" + epsilon);
        }
        if (gamma != null) {
            parts.add("gamma=" + gamma);
        }
        if (selectTopK != null) {
            parts.add("select_topk=" + selectTopK);
        }
        if (method.isRandom() || coreMergeIs(CoreMerge.DARE_TIES)) {
            parts.add("seed=" + seed);
        }
        return "Merge " + String.join(" ", parts) + " of "
                + adapters.stream().map(Adapter::label).toList();
    }
}
