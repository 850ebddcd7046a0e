package org.loralgebra.plot

import kotlin.math.ln

/**
 * The input of a [RoutingPlot]: how many token assignments each expert (an adapter, or a rank for rank-wise
 * routing) received in one batch. With top-k routing every token counts k times, so the loads sum to k·tokens.
 *
 * @param label names the batch (or the router) in titles and legends
 * @param experts the experts' names
 * @param load token assignments per expert, in the order of [experts]
 * @param meanGateEntropy the mean over tokens of the gate distribution's entropy (nats), when the router has one
 */
data class ExpertLoad @JvmOverloads constructor(
    val label: String,
    val experts: List<String>,
    val load: List<Long>,
    val meanGateEntropy: Double? = null,
) {
    init {
        require(experts.size == load.size) { "routing load '$label': ${experts.size} experts but ${load.size} loads" }
        require(experts.isNotEmpty()) { "routing load '$label': no expert" }
        require(load.all { it >= 0 }) { "routing load '$label': loads must be ≥ 0, got $load" }
        require(experts.toSet().size == experts.size) { "routing load '$label': expert names repeat: $experts" }
    }

    /** Σ load. */
    val total: Long get() = load.sum()

    /** Each expert's share of the assignments (zeros when there are none). */
    fun shares(): List<Double> = load.map { if (total == 0L) 0.0 else it.toDouble() / total }

    /**
     * The entropy of the load shares divided by ln(number of experts): 1 for perfectly balanced load, 0 when one
     * expert takes everything (1 by convention for a single expert).
     */
    fun balance(): Double {
        if (experts.size == 1) return 1.0
        val h = shares().filter { it > 0 }.sumOf { -it * ln(it) }
        return h / ln(experts.size.toDouble())
    }

    /** The largest load over the mean load (1 when balanced; the number of experts when one takes everything). */
    fun maxOverMean(): Double = if (total == 0L) 0.0 else load.max().toDouble() / (total.toDouble() / experts.size)
}
