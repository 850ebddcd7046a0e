@file:JvmName("Clusters")

package org.loralgebra.kotlin

import org.loralgebra.Adapter
import org.loralgebra.stdlib.cluster.Cluster

/*
 * LoRA-LEGO in Kotlin: a thin builder over org.loralgebra.stdlib.cluster.Cluster.
 *
 *   val lego = cluster(imdb, emotion, k = 8) { seed = 3 }
 */

/** Settings of [cluster]; the defaults are [Cluster]'s. */
@LoraDsl
class ClusterBuilder internal constructor() {
    /** The k-means++ seed. */
    var seed: Long = 0

    /** The most Lloyd iterations (they stop earlier at a fixed point). */
    var iterations: Int = Cluster.DEFAULT_ITERATIONS

    /** Rescale each centroid to its members' mean norm. */
    var parameterReweighting: Boolean = true

    /** Multiply the update by √(r̄/k). */
    var outputReweighting: Boolean = false

    internal fun build(k: Int, adapters: List<Adapter>): Adapter =
        Cluster.of(adapters)
            .k(k)
            .seed(seed)
            .iterations(iterations)
            .parameterReweighting(parameterReweighting)
            .outputReweighting(outputReweighting)
            .adapter()
}

/** The lazy LoRA-LEGO merge of [adapters] into [k] rank units per module (see [Cluster]). */
fun cluster(vararg adapters: Adapter, k: Int, settings: ClusterBuilder.() -> Unit = {}): Adapter =
    ClusterBuilder().apply(settings).build(k, adapters.toList())
