@file:JvmName("UnlearnDsl")

package org.loralgebra.kotlin

import org.loralgebra.Adapter
import org.loralgebra.stdlib.unlearn.Pruning
import org.loralgebra.stdlib.unlearn.Unlearn

/*
 * Kotlin builder over org.loralgebra.stdlib.unlearn.Unlearn (thin: it delegates to the Java API).
 *
 *   val u = unlearn(imdb) { retain = emotion; lambda = 1.0; protectRank = 8; pruneRank = 4 }
 *   println(u.report())
 *   u.adapter().save("out/unlearn-imdb")   // the update (with `onto = model`: the model plus the update)
 */

/** Settings of [unlearn]; the defaults are [Unlearn]'s. */
@LoraDsl
class UnlearnBuilder internal constructor() {
    /** The adapter whose subspace is protected (none: no protection). */
    var retain: Adapter? = null

    /** Strength λ > 0: the update is −λ·(…). */
    var lambda: Double = 1.0

    /** The retain adapter's top-K output directions protected (0: none; [Unlearn.ALL]: all). */
    var protectRank: Int = Unlearn.ALL

    /** How many singular directions of the forget update are negated ([Unlearn.ALL]: all). */
    var pruneRank: Int = Unlearn.ALL

    /** Which directions: [Pruning.energy] or [Pruning.leastRetainOverlap] (or a gradient-based one of your own). */
    var pruning: Pruning = Pruning.energy()

    /** The adapter the update is added to by [Unlearn.adapter] (none: the update alone). */
    var onto: Adapter? = null
}

/**
 * Unlearning [forget]'s task (see [Unlearn]): `.adapter()` (the result: the update, or `onto` plus the update),
 * `.update()` (the update alone), `.report()` (what it removes, per module).
 */
fun unlearn(forget: Adapter, settings: UnlearnBuilder.() -> Unit = {}): Unlearn {
    val s = UnlearnBuilder().apply(settings)
    var u = Unlearn.of(forget).lambda(s.lambda).protectRank(s.protectRank).pruneRank(s.pruneRank).pruning(s.pruning)
    s.retain?.let { u = u.retain(it) }
    s.onto?.let { u = u.onto(it) }
    return u
}
