package org.loralgebra.plot

import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.Stat
import org.jetbrains.letsPlot.geom.geomBar
import org.jetbrains.letsPlot.geom.geomHLine
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.pos.positionDodge
import org.jetbrains.letsPlot.scale.scaleXDiscrete
import org.jetbrains.letsPlot.scale.scaleYContinuous
import org.jetbrains.letsPlot.themes.themeBW
import java.util.Locale

/**
 * Routing statistics: each expert's share of the token assignments, one bar per expert (bars side by side per batch
 * when several batches are given), with a dashed line at the balanced share 1/E. The subtitle gives the load balance
 * (normalized entropy of the shares), the largest load over the mean and, when known, the mean gate entropy.
 */
object RoutingPlot {
    @JvmStatic
    fun of(load: ExpertLoad): Figure = of(listOf(load))

    /** Several batches (or routers) over the same experts. */
    @JvmStatic
    fun of(batches: List<ExpertLoad>): Figure {
        require(batches.isNotEmpty()) { "routing plot: no batch" }
        val experts = batches[0].experts
        for (b in batches) {
            require(b.experts == experts) { "routing plot: batch '${b.label}' has experts ${b.experts}, expected $experts" }
        }
        val expert = ArrayList<String>()
        val batch = ArrayList<String>()
        val share = ArrayList<Double>()
        for (b in batches) {
            for ((e, s) in experts.zip(b.shares())) {
                expert += e
                batch += b.label
                share += s
            }
        }
        val many = batches.size > 1
        var p: Plot = letsPlot(mapOf("expert" to expert, "batch" to batch, "share" to share)) + themeBW()
        p += if (many) {
            geomBar(stat = Stat.identity, position = positionDodge(0.85), width = 0.8) { x = "expert"; y = "share"; fill = "batch" }
        } else {
            geomBar(stat = Stat.identity, width = 0.7, fill = "#3b528b") { x = "expert"; y = "share" }
        }
        p += geomHLine(yintercept = 1.0 / experts.size, linetype = "dashed", color = "#d62728", size = 0.8)
        p += scaleXDiscrete(name = "expert", limits = experts)
        p += scaleYContinuous(name = "share of token assignments", format = ".0%",
            limits = 0 to (share.maxOrNull() ?: 0.0).coerceAtLeast(1.0 / experts.size) * 1.1)
        val summary = batches.joinToString("\n") { b ->
            val entropy = b.meanGateEntropy?.let { String.format(Locale.ROOT, ", gate entropy %.3f nats", it) } ?: ""
            String.format(Locale.ROOT, "%sbalance %.3f, max/mean %.2f%s", if (many) b.label + ": " else "",
                b.balance(), b.maxOverMean(), entropy)
        }
        p += labs(
            title = Titles.wrap("Expert load" + (if (many) "" else " of ${batches[0].label}")),
            subtitle = "$summary\ndashed: balanced share 1/${experts.size}",
            x = "expert",
            y = "share of token assignments",
            fill = if (many) "batch" else null,
        )
        p += ggsize((300 + 60 * experts.size * (if (many) 2 else 1)).coerceIn(520, 1200), 420)
        return p
    }
}
