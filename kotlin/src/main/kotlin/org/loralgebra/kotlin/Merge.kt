@file:JvmName("Merges")

package org.loralgebra.kotlin

import org.loralgebra.Adapter
import org.loralgebra.lang.Rank
import org.loralgebra.stdlib.merge.CoreMerge
import org.loralgebra.stdlib.merge.MajoritySign
import org.loralgebra.stdlib.merge.Merge
import org.loralgebra.stdlib.merge.Method
import org.loralgebra.stdlib.merge.ThresholdScope

/*
 * Merging in Kotlin: a thin builder over org.loralgebra.stdlib.merge.Merge (every setting is passed through).
 *
 *   val merged = merge(imdb, emotion) { method = TIES_SVD; weights = listOf(0.6, 0.4); density = 0.5; rank = 8 }
 *   val dare = merge(a, b, c) { method = DARE_TIES; density = 0.3; seed = 7 }
 */

/**
 * Settings of [merge]; unset ones keep [Merge]'s defaults (PEFT's: method svd, weights 1, majority sign total, svd rank
 * = the largest input rank, DARE seed 0). The methods and sign rules are in scope by name inside the block: `method =
 * TIES`, `majoritySign = FREQUENCY`.
 */
@LoraDsl
class MergeBuilder internal constructor() {
    /** The combination type (see [Method]). */
    var method: Method = Method.SVD

    /** One weight per adapter (default: 1 each). */
    var weights: List<Double>? = null

    /** The fraction of entries pruning methods keep, in (0, 1]. */
    var density: Double? = null

    /** How TIES methods elect signs. */
    var majoritySign: MajoritySign? = null

    /** The result's rank (PEFT's svd_rank for methods ending in an SVD; a final truncation otherwise). */
    var rank: Int? = null

    /** The result's rank as a rule ([Rank.energy], [Rank.threshold], ...); wins over [rank]. */
    var rankRule: Rank? = null

    /** PEFT's svd_clamp quantile. */
    var svdClamp: Double? = null

    /** The seed of DARE's random drop. */
    var seed: Long? = null

    /** mergekit's normalize for task_arithmetic and mergekit_*. */
    var normalize: Boolean? = null

    /** core_space: the merge of the cores ([CoreMerge.TA] by default; `CoreMerge.TSV`, …). */
    var coreMerge: CoreMerge? = null

    /** core_space: replace the merged core's singular values by their mean. */
    var isotropize: Boolean? = null

    /** iso_cts: the fraction of the spectrum kept for the common space (default 0.8). */
    var commonSpaceFraction: Double? = null

    /** The final scale of the 2025 methods (core_space, tsv, iso_*, knots_*; default 1). */
    var alpha: Double? = null

    /** core_space with cart: residuals cut to rank ⌈ρ·Σr⌉ (default 0.04). */
    var cartRankFraction: Double? = null

    /** core_space with cart: the weight λ of the low-rank residuals (default 0.1). */
    var cartWeight: Double? = null

    /** della, della_linear: keep probabilities span [density − ε, density + ε] (default 0.15). */
    var epsilon: Double? = null

    /** breadcrumbs, breadcrumbs_ties: the fraction γ of largest magnitudes dropped per tensor (default 0.01). */
    var gamma: Double? = null

    /** sce: keep the ⌊τ·#(var ≠ 0)⌋ entries of largest variance across the inputs (default 1: all). */
    var selectTopK: Double? = null

    /** knots_ties: TIES' threshold per module ([ThresholdScope.MODULE], default) or over all modules (GLOBAL). */
    var thresholdScope: ThresholdScope? = null

    val LINEAR
        get() = Method.LINEAR

    val CAT
        get() = Method.CAT

    val SVD
        get() = Method.SVD

    val TIES
        get() = Method.TIES

    val TIES_SVD
        get() = Method.TIES_SVD

    val DARE_LINEAR
        get() = Method.DARE_LINEAR

    val DARE_TIES
        get() = Method.DARE_TIES

    val DARE_LINEAR_SVD
        get() = Method.DARE_LINEAR_SVD

    val DARE_TIES_SVD
        get() = Method.DARE_TIES_SVD

    val MAGNITUDE_PRUNE
        get() = Method.MAGNITUDE_PRUNE

    val MAGNITUDE_PRUNE_SVD
        get() = Method.MAGNITUDE_PRUNE_SVD

    val TASK_ARITHMETIC
        get() = Method.TASK_ARITHMETIC

    val MERGEKIT_TIES
        get() = Method.MERGEKIT_TIES

    val MERGEKIT_DARE_TIES
        get() = Method.MERGEKIT_DARE_TIES

    val MERGEKIT_DARE_LINEAR
        get() = Method.MERGEKIT_DARE_LINEAR

    val CORE_SPACE
        get() = Method.CORE_SPACE

    val TSV
        get() = Method.TSV

    val ISO_C
        get() = Method.ISO_C

    val ISO_CTS
        get() = Method.ISO_CTS

    val KNOTS_TIES
        get() = Method.KNOTS_TIES

    val KNOTS_DARE_TIES
        get() = Method.KNOTS_DARE_TIES

    val MODEL_STOCK
        get() = Method.MODEL_STOCK

    val KARCHER
        get() = Method.KARCHER

    val NUSLERP
        get() = Method.NUSLERP

    val DELLA
        get() = Method.DELLA

    val DELLA_LINEAR
        get() = Method.DELLA_LINEAR

    val BREADCRUMBS
        get() = Method.BREADCRUMBS

    val BREADCRUMBS_TIES
        get() = Method.BREADCRUMBS_TIES

    val SCE
        get() = Method.SCE

    val TOTAL
        get() = MajoritySign.TOTAL

    val FREQUENCY
        get() = MajoritySign.FREQUENCY

    internal fun build(adapters: List<Adapter>): Adapter {
        var m = Merge.of(adapters).method(method)
        weights?.let { m = m.weights(*it.toDoubleArray()) }
        density?.let { m = m.density(it) }
        majoritySign?.let { m = m.majoritySign(it) }
        (rankRule ?: rank?.let { Rank.of(it) })?.let { m = m.rank(it) }
        svdClamp?.let { m = m.svdClamp(it) }
        seed?.let { m = m.seed(it) }
        normalize?.let { m = m.normalize(it) }
        coreMerge?.let { m = m.coreMerge(it) }
        isotropize?.let { m = m.isotropize(it) }
        commonSpaceFraction?.let { m = m.commonSpaceFraction(it) }
        alpha?.let { m = m.alpha(it) }
        cartRankFraction?.let { m = m.cartRankFraction(it) }
        cartWeight?.let { m = m.cartWeight(it) }
        epsilon?.let { m = m.epsilon(it) }
        gamma?.let { m = m.gamma(it) }
        selectTopK?.let { m = m.selectTopK(it) }
        thresholdScope?.let { m = m.thresholdScope(it) }
        return m.adapter()
    }
}

/** The lazy merge of [adapters] (see [Merge] and [Method]). */
fun merge(vararg adapters: Adapter, settings: MergeBuilder.() -> Unit = {}): Adapter =
    MergeBuilder().apply(settings).build(adapters.toList())

/** The lazy merge of [adapters] (see [Merge] and [Method]). */
fun merge(adapters: List<Adapter>, settings: MergeBuilder.() -> Unit = {}): Adapter =
    MergeBuilder().apply(settings).build(adapters)
