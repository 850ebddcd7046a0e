package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.loralgebra.lang.LoraException;

/**
 * How {@link Merge} combines adapters. The first eleven are PEFT's {@code add_weighted_adapter} combination types
 * (peft/tuners/lora/model.py, peft/utils/merge_utils.py), by the same names and with the same semantics; the last
 * four are mergekit's task-arithmetic family (mergekit/merge_methods/generalized_task_arithmetic.py, sparsify.py)
 * applied to the adapters' updates.
 *
 * <p>Notation: adapter i has update ΔWᵢ = sᵢ·Bᵢ·Aᵢ (sᵢ = alpha/r) and user weight wᵢ; cᵢ = wᵢ·sᵢ.
 * <ul>
 * <li>{@link #CAT}: B = [B₁ | B₂ | …], A = [c₁A₁; c₂A₂; …], rank Σrᵢ; exactly Σ wᵢΔWᵢ. <b>Factored.</b></li>
 * <li>{@link #LINEAR}, {@link #TIES}, {@link #DARE_LINEAR}, {@link #DARE_TIES}, {@link #MAGNITUDE_PRUNE}: PEFT
 * applies the merge function to the stacked A's and, separately, to the stacked B's, with weights
 * sign(cᵢ)·√|cᵢ| on A and √|cᵢ| on B; all ranks must be equal and the result has that rank. The product of the
 * merged factors has cross terms Bᵢ·Aⱼ by design: {@code linear} is not Σ wᵢΔWᵢ. <b>Factored</b> (works on
 * the r×in and out×r factors only).</li>
 * <li>{@link #SVD}: Σ wᵢΔWᵢ, then its best rank-k approximation (k = {@code svd_rank}, else the largest input
 * rank) written as B = U_k·S_k, A = V_kᵀ. PEFT forms the dense out×in sum and runs a dense SVD; the same
 * result comes from the factored sum (QR of the concatenated factors, SVD of a small core). <b>Factored.</b></li>
 * <li>{@link #TIES_SVD}, {@link #DARE_TIES_SVD}, {@link #DARE_LINEAR_SVD}, {@link #MAGNITUDE_PRUNE_SVD}: the
 * merge function applied to the dense updates ΔWᵢ, then the rank-k SVD as for {@link #SVD}. <b>Dense</b>:
 * magnitude pruning keeps the largest entries of each ΔWᵢ, DARE draws a Bernoulli mask per entry, and TIES
 * elects a sign per entry; none of these commutes with a low-rank factorization, so each out×in update is
 * materialized and the merged one is decomposed by a dense SVD. (With density 1, {@link #MAGNITUDE_PRUNE_SVD}
 * and {@link #DARE_LINEAR_SVD} prune nothing and are computed as {@link #SVD}, factored.)</li>
 * <li>{@link #TASK_ARITHMETIC}: Σ wᵢΔWᵢ (Ilharco et al. 2023), exact, rank Σrᵢ (or truncated to the requested
 * rank); with {@code normalize}, divided by Σwᵢ. <b>Factored.</b></li>
 * <li>{@link #MERGEKIT_TIES}, {@link #MERGEKIT_DARE_TIES}, {@link #MERGEKIT_DARE_LINEAR}: mergekit's {@code ties},
 * {@code dare_ties}, {@code dare_linear} on the task vectors δᵢ = ΔWᵢ. They differ from PEFT's: the sign is
 * elected on the <i>weighted</i> wᵢδᵢ, the divisor is Σ (agreeing) wᵢ rather than the count, and DARE rescales
 * the kept entries to the L1 norm of δᵢ instead of dividing by the density. <b>Dense</b>, for the same reasons
 * as PEFT's {@code *_svd} types; the result is decomposed to rank k like {@link #SVD}.</li>
 * <li>The 2025 spectral family, <b>factored</b> in the span of the inputs (QRs of the stacked factors and SVDs of
 * at most R×R matrices, R = Σrᵢ; rank ≤ min(R, out, in); each weight and scale folded into its update first,
 * ΔWᵢ = cᵢBᵢAᵢ; {@code alpha} scales the result):
 * <ul>
 * <li>{@link #CORE_SPACE}: Core Space merging (Panariello et al., NeurIPS 2025): a merge of the R×R cores
 * ({@link CoreMerge}: ta, mean, ties, dare_ties, tsv, cart), optionally isotropized; exact, as the reference.</li>
 * <li>{@link #TSV}: TSV-Merge (Gargiulo et al., CVPR 2025): polar([U₁ … U_T])·diag(σ)·polar([V₁ … V_T])ᵀ with each
 * task's kₜ = rank(ΔWₜ) singular triplets. The reference keeps k = ⌊min(out, in)/T⌋ per task, which on LoRA
 * adds null singular vectors (arbitrary, LAPACK's choice) that enter the polar factors; kₜ = rₜ is the LoRA
 * definition and equals core-space TSV.</li>
 * <li>{@link #ISO_C}: Iso-C (Marczak et al., ICML 2025): σ̄·U·Vᵀ of ΣΔWᵢ, σ̄ the mean over its nonzero singular
 * values. The reference takes all min(out, in) values and directions, so on LoRA it dilutes σ̄ by R/min(out, in)
 * and fills the null space with arbitrary directions (a full-rank result, not an adapter); our result is the
 * in-span part of the reference's up to that scalar.</li>
 * <li>{@link #ISO_CTS}: Iso-CTS, the same algorithm run in the span (dimension R in place of min(out, in)), with
 * {@code common_space_fraction} f (default 0.8).</li>
 * <li>{@link #KNOTS_TIES}, {@link #KNOTS_DARE_TIES}: KnOTS (Stoica et al., ICLR 2025): TIES (density default 0.2)
 * or DARE-then-TIES (density = keep probability, default 0.9) on the task blocks of the joint SVD of
 * [ΔW₁ | … | ΔW_T]; TIES' threshold is taken per module (the reference's is global across modules).</li>
 * <li>{@link #MODEL_STOCK}, {@link #KARCHER}, {@link #NUSLERP}: mergekit's {@code model_stock}, {@code karcher},
 * {@code nuslerp} <i>on the updates</i> (a LoRAlgebra reinterpretation for Karcher and NuSLERP, which mergekit
 * applies to whole weights): each is Σ cᵢΔWᵢ with c from the Gram matrix ⟨ΔWᵢ, ΔWⱼ⟩ = tr((BᵢᵀBⱼ)(AⱼAᵢᵀ)), so
 * the result is exact by rank concatenation (rank Σrᵢ). See {@link GramCoefficients}.</li>
 * </ul></li>
 * <li>{@link #DELLA}, {@link #DELLA_LINEAR}: mergekit's {@code della} and {@code della_linear} on the updates:
 * magnitude-ranked Bernoulli keep per row with probabilities in [d − ε, d + ε] ({@code epsilon}, default 0.15),
 * L1 rescale over the tensor; {@code della} adds mergekit's weighted sign consensus and normalization.
 * <b>Dense</b>, streamed by row blocks ({@link DellaMerge}), then the rank-k SVD as {@link #SVD}.</li>
 * <li>{@link #BREADCRUMBS}, {@link #BREADCRUMBS_TIES}: mergekit's magnitude-outlier pruning per tensor (drop the
 * smallest and the ⌊γN⌋ largest |δ|, {@code density} default 1, {@code gamma} default 0.01), then Σ wᵢδᵢ' or the
 * weighted sign consensus; {@link #SCE}: mergekit's select (variance top-k, {@code selectTopK} default 1 = off),
 * calculate (weights from mean squares) and erase (sign consensus); no per-input weights. <b>Dense</b>, streamed by
 * row blocks with first passes for the exact cuts ({@link BreadcrumbsMerge}, {@link SceMerge}), then the rank-k SVD
 * as {@link #SVD}.</li>
 * </ul>
 */
public enum Method {
    LINEAR("linear", Path.FACTORS, Pruning.NONE, false),
    CAT("cat", Path.CONCAT, Pruning.NONE, false),
    SVD("svd", Path.UPDATE, Pruning.NONE, false),
    TIES("ties", Path.FACTORS, Pruning.MAGNITUDE, true),
    TIES_SVD("ties_svd", Path.UPDATE, Pruning.MAGNITUDE, true),
    DARE_LINEAR("dare_linear", Path.FACTORS, Pruning.RANDOM, false),
    DARE_TIES("dare_ties", Path.FACTORS, Pruning.RANDOM, true),
    DARE_LINEAR_SVD("dare_linear_svd", Path.UPDATE, Pruning.RANDOM, false),
    DARE_TIES_SVD("dare_ties_svd", Path.UPDATE, Pruning.RANDOM, true),
    MAGNITUDE_PRUNE("magnitude_prune", Path.FACTORS, Pruning.MAGNITUDE, false),
    MAGNITUDE_PRUNE_SVD("magnitude_prune_svd", Path.UPDATE, Pruning.MAGNITUDE, false),
    TASK_ARITHMETIC("task_arithmetic", Path.TASK_ARITHMETIC, Pruning.NONE, false),
    MERGEKIT_TIES("mergekit_ties", Path.MERGEKIT, Pruning.MAGNITUDE, true),
    MERGEKIT_DARE_TIES("mergekit_dare_ties", Path.MERGEKIT, Pruning.RANDOM, true),
    MERGEKIT_DARE_LINEAR("mergekit_dare_linear", Path.MERGEKIT, Pruning.RANDOM, false),
    CORE_SPACE("core_space", Path.CORE, Pruning.NONE, false),
    TSV("tsv", Path.CORE, Pruning.NONE, false),
    ISO_C("iso_c", Path.CORE, Pruning.NONE, false),
    ISO_CTS("iso_cts", Path.CORE, Pruning.NONE, false),
    KNOTS_TIES("knots_ties", Path.KNOTS, Pruning.MAGNITUDE, true),
    KNOTS_DARE_TIES("knots_dare_ties", Path.KNOTS, Pruning.RANDOM, true),
    MODEL_STOCK("model_stock", Path.GRAM, Pruning.NONE, false),
    KARCHER("karcher", Path.GRAM, Pruning.NONE, false),
    NUSLERP("nuslerp", Path.GRAM, Pruning.NONE, false),
    DELLA("della", Path.DELLA, Pruning.RANDOM, true),
    DELLA_LINEAR("della_linear", Path.DELLA, Pruning.RANDOM, false),
    BREADCRUMBS("breadcrumbs", Path.BREADCRUMBS, Pruning.MAGNITUDE, false),
    BREADCRUMBS_TIES("breadcrumbs_ties", Path.BREADCRUMBS, Pruning.MAGNITUDE, true),
    SCE("sce", Path.SCE, Pruning.NONE, false);

    /** Where a method computes. */
    enum Path {
        /** Rank concatenation (exact). */
        CONCAT,
        /** PEFT's merge functions on the A's and the B's separately. */
        FACTORS,
        /** PEFT's merge functions on the dense updates, then a rank-k SVD. */
        UPDATE,
        /** Σ wᵢΔWᵢ, exact. */
        TASK_ARITHMETIC,
        /** mergekit's generalized task arithmetic on the dense updates, then a rank-k SVD. */
        MERGEKIT,
        /** A merge of the R×R cores in the span of the inputs ({@link CoreSpaceMerge}), factored. */
        CORE,
        /** KnOTS: TIES on the task blocks of the joint SVD ({@link KnotsMerge}), factored. */
        KNOTS,
        /** Σ cᵢΔWᵢ with c from the Gram matrix of the updates ({@link GramMerge}), factored. */
        GRAM,
        /** mergekit's DELLA on the dense updates, streamed by row blocks ({@link DellaMerge}), then a rank-k SVD. */
        DELLA,
        /** mergekit's breadcrumbs on the dense updates, streamed by row blocks ({@link BreadcrumbsMerge}). */
        BREADCRUMBS,
        /** mergekit's sce on the dense updates, streamed by row blocks ({@link SceMerge}). */
        SCE
    }

    /** How task tensors are sparsified before combining. */
    enum Pruning {
        NONE,
        MAGNITUDE,
        RANDOM
    }

    private final String id;
    private final Path path;
    private final Pruning pruning;
    private final boolean signElection;

    Method(String id, Path path, Pruning pruning, boolean signElection) {
        this.id = id;
        this.path = path;
        this.pruning = pruning;
        this.signElection = signElection;
    }

    /** The name users write: PEFT's {@code combination_type} for PEFT's types, such as {@code ties_svd}. */
    public String id() {
        return id;
    }

    /** Whether this is one of PEFT's {@code add_weighted_adapter} combination types. */
    public boolean isPeft() {
        return path == Path.CONCAT || path == Path.FACTORS || path == Path.UPDATE;
    }

    /** Whether the method takes a {@code density} (it prunes entries). */
    public boolean prunes() {
        return pruning != Pruning.NONE;
    }

    /**
     * The density used when none is given, so that every method runs by its name alone (CONTRACTS.md); NaN for the
     * methods that do not prune. Where the reference has a valid default it is that one: mergekit's (1: nothing
     * pruned; breadcrumbs' top and bottom cuts still apply) and KnOTS' configs (TIES keeps the top 20%, DARE-TIES drops
     * 10%). PEFT's {@code add_weighted_adapter} has none ({@code density=None} fails in its pruning), so its pruning
     * types keep 0.2: the TIES paper's top 20% and the value PEFT's merging guide uses. mergekit's DELLA default
     * (density 1, epsilon 0.15) is invalid (keep probabilities up to 1.15), so DELLA takes 0.5, the middle of the
     * densities its default epsilon allows: keep probabilities in [0.35, 0.65].
     */
    double defaultDensity() {
        return switch (this) {
            case TIES,
                    TIES_SVD,
                    DARE_LINEAR,
                    DARE_TIES,
                    DARE_LINEAR_SVD,
                    DARE_TIES_SVD,
                    MAGNITUDE_PRUNE,
                    MAGNITUDE_PRUNE_SVD -> 0.2;
            case MERGEKIT_TIES, MERGEKIT_DARE_TIES, MERGEKIT_DARE_LINEAR, BREADCRUMBS, BREADCRUMBS_TIES -> 1.0;
            case KNOTS_TIES -> 0.2;
            case KNOTS_DARE_TIES -> 0.9;
            case DELLA, DELLA_LINEAR -> 0.5;
            case LINEAR,
                    CAT,
                    SVD,
                    TASK_ARITHMETIC,
                    CORE_SPACE,
                    TSV,
                    ISO_C,
                    ISO_CTS,
                    MODEL_STOCK,
                    KARCHER,
                    NUSLERP,
                    SCE -> Double.NaN;
        };
    }

    /**
     * Whether the method belongs to the 2025 families (core space, TSV, Iso, KnOTS, model_stock, Karcher, NuSLERP),
     * which take {@code alpha}, a final scale.
     */
    public boolean takesAlpha() {
        return path == Path.CORE || path == Path.KNOTS || path == Path.GRAM;
    }

    /** Whether the method draws random masks (DARE), and so uses the seed. */
    public boolean isRandom() {
        return pruning == Pruning.RANDOM;
    }

    /** Whether the method elects a sign per entry (TIES), and so takes a majority sign method. */
    public boolean electsSign() {
        return signElection;
    }

    /** Whether the result is a rank-k SVD of the merged update, so that {@code svd_clamp} applies. */
    public boolean endsWithSvd() {
        return path == Path.UPDATE || path == Path.MERGEKIT || path == Path.DELLA || isElementwise();
    }

    /** Whether the method materializes the dense out×in updates (see the class documentation); else it is factored. */
    public boolean isDense() {
        return (path == Path.UPDATE && this != SVD) || path == Path.MERGEKIT || path == Path.DELLA || isElementwise();
    }

    /** mergekit's element-wise breadcrumbs and sce, streamed by row blocks with passes for their cuts. */
    private boolean isElementwise() {
        return path == Path.BREADCRUMBS || path == Path.SCE;
    }

    /** Whether {@code normalize} (mergekit's divide-by-weights) applies. */
    public boolean normalizes() {
        return path == Path.TASK_ARITHMETIC || path == Path.MERGEKIT || path == Path.BREADCRUMBS;
    }

    /** mergekit's default for {@code normalize}: true for {@code ties}, false otherwise. */
    public boolean normalizeByDefault() {
        return this == MERGEKIT_TIES;
    }

    Path path() {
        return path;
    }

    Pruning pruning() {
        return pruning;
    }

    /** Parses a method name: {@code ties_svd}, {@code TIES_SVD} and {@code ties-svd} all name {@link #TIES_SVD}. */
    public static Method parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Method m : values()) {
            if (m.id.equals(n)) {
                return m;
            }
        }
        throw new LoraException("unknown merge method '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
