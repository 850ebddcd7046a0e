package org.loralgebra.plot

import kotlin.math.ln

/**
 * The input of a [RoutingPlot]: how many token assignments each expert (an adapter, or a rank for rank-wise routing)
 * received in one batch. With top-k routing every token counts k times, so the loads sum to k·tokens. The names follow
 * the routing statistics of `org.loralgebra.stdlib.route` (which can be turned into this).
 *
 * @param label names the batch (or the router) in titles and legends
 * @param experts the experts' names
 * @param load token assignments per expert, in the order of [experts]
 * @param balance the Switch Transformer figure E·Σ f_e·p_e (1 balanced, E collapsed), when the router computed it
 * @param meanTokenEntropy the mean over tokens of the entropy of its normalized gate weights (nats), when known
 */
data class ExpertLoad
@JvmOverloads
constructor(
    val label: String,
    val experts: List<String>,
    val load: List<Long>,
    val balance: Double? = null,
    val meanTokenEntropy: Double? = null,
) {
    init {
        requireData(experts.size == load.size) {
            "routing load '$label': ${experts.size} experts but ${load.size} loads"
        }
        requireData(experts.isNotEmpty()) { "routing load '$label': no expert" }
        requireData(load.all { it >= 0 }) { "routing load '$label': loads must be ≥ 0, got $load" }
        requireData(experts.toSet().size == experts.size) { "routing load '$label': expert names repeat: $experts" }
    }

    /** Σ load. */
    val total: Long
        get() = load.sum()

    /** Each expert's share of the assignments, f_e (zeros when there are none). */
    fun fractions(): List<Double> = load.map { if (total == 0L) 0.0 else it.toDouble() / total }

    /**
     * The entropy of the shares over its maximum ln E: 1 when the load is uniform, 0 when one expert takes every
     * assignment (1 for a single expert).
     */
    fun normalizedEntropy(): Double {
        if (experts.size == 1) return 1.0
        val h = fractions().filter { it > 0 }.sumOf { -it * ln(it) }
        return h / ln(experts.size.toDouble())
    }

    /** The busiest expert's load over the mean load (1 when balanced; E when one takes everything). */
    fun maxOverMean(): Double = if (total == 0L) 0.0 else load.max().toDouble() / (total.toDouble() / experts.size)
}
