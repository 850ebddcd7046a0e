@file:JvmName("OrthogonalizeDsl")

package org.loralgebra.kotlin

import org.loralgebra.Adapter
import org.loralgebra.lang.Side
import org.loralgebra.stdlib.orthogonalize.ContinualMerge
import org.loralgebra.stdlib.orthogonalize.FedSvd
import org.loralgebra.stdlib.orthogonalize.Orthogonalize
import org.loralgebra.stdlib.orthogonalize.OrthogonalizeReport
import org.loralgebra.stdlib.orthogonalize.SubspaceComparison

/*
 * Kotlin builders over org.loralgebra.stdlib.orthogonalize: thin, every call delegates to the Java API.
 *
 *   val clean = imdb.orthogonalize(emotion) { side = Side.BOTH; rank = 4 }
 *   println(imdb.orthogonalizationReport(emotion) { rank = 4 })
 *   println(imdb.anglesTo(emotion))
 *   val merged = continualMerge(a, b, c) { alpha = 0.5 }.adapter()
 */

/** Settings of [orthogonalize]: the side acted on (default output) and each base's rank (default all). */
@LoraDsl
class OrthogonalizeBuilder internal constructor() {
    /** [Side.OUTPUT] (column space), [Side.INPUT] (row space) or [Side.BOTH]. */
    var side: Side = Side.OUTPUT

    /** Each base's top-`rank` singular directions are removed; [Orthogonalize.ALL]: all of them. */
    var rank: Int = Orthogonalize.ALL

    internal fun build(adapter: Adapter, against: Array<out Adapter>): Orthogonalize =
        Orthogonalize.of(adapter).against(against.toList()).side(side).rank(rank)
}

/** This update with the subspaces of [against] removed, per module (see [Orthogonalize]). */
fun Adapter.orthogonalize(vararg against: Adapter, settings: OrthogonalizeBuilder.() -> Unit = {}): Adapter =
    OrthogonalizeBuilder().apply(settings).build(this, against).adapter()

/**
 * What [orthogonalize] with the same arguments removes: energy inside each base's subspace and angles, before and
 * after.
 */
fun Adapter.orthogonalizationReport(
    vararg against: Adapter,
    settings: OrthogonalizeBuilder.() -> Unit = {},
): OrthogonalizeReport = OrthogonalizeBuilder().apply(settings).build(this, against).report()

/** Principal angles per module between this update's and [other]'s top-[rank] subspaces on [side]. */
fun Adapter.anglesTo(other: Adapter, side: Side = Side.OUTPUT, rank: Int = SubspaceComparison.ALL): SubspaceComparison =
    SubspaceComparison.of(this, other, side, rank)

/** FedSVD re-factorization: the same update with A = Vᵀ (orthonormal rows) and B = U·S. */
fun Adapter.fedSvd(): Adapter = FedSvd.refactor(this)

/** Settings of [continualMerge]. */
@LoraDsl
class ContinualMergeBuilder internal constructor() {
    /** OPCM's α in [0, 1): the share of the merged update's singular-value mass that is protected. */
    var alpha: Double = ContinualMerge.DEFAULT_ALPHA

    /** Cap on the merged rank per module (0: none, exact). */
    var maxRank: Int = 0
}

/** Folds [adapters] in order by orthogonal projection (OPCM); fold more later with [ContinualMerge.fold]. */
fun continualMerge(vararg adapters: Adapter, settings: ContinualMergeBuilder.() -> Unit = {}): ContinualMerge {
    val s = ContinualMergeBuilder().apply(settings)
    return adapters.fold(ContinualMerge.start().alpha(s.alpha).maxRank(s.maxRank)) { merge, next -> merge.fold(next) }
}
