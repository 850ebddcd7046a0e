package org.loralgebra.plot

import java.util.Locale
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

/**
 * Routing statistics: each expert's share of the token assignments, one bar per expert (bars side by side per batch
 * when several batches are given), with a dashed line at the balanced share 1/E. The subtitle gives the normalized
 * entropy of the shares, the Switch Transformer balance when known, the largest load over the mean and, when known, the
 * mean token entropy of the gate weights.
 */
object RoutingPlot {
    @JvmStatic fun of(load: ExpertLoad): Figure = of(listOf(load))

    /** Several batches (or routers) over the same experts. */
    @JvmStatic
    fun of(batches: List<ExpertLoad>): Figure {
        requireData(batches.isNotEmpty()) { "routing plot: no batch" }
        val experts = batches[0].experts
        for (b in batches) {
            requireData(b.experts == experts) {
                "routing plot: batch '${b.label}' has experts ${b.experts}, expected $experts"
            }
        }
        val expert = ArrayList<String>()
        val batch = ArrayList<String>()
        val share = ArrayList<Double>()
        for (b in batches) {
            for ((e, s) in experts.zip(b.fractions())) {
                expert += e
                batch += b.label
                share += s
            }
        }
        val many = batches.size > 1
        var p: Plot = letsPlot(mapOf("expert" to expert, "batch" to batch, "share" to share)) + themeBW()
        p +=
            if (many) {
                geomBar(stat = Stat.identity, position = positionDodge(0.85), width = 0.8) {
                    x = "expert"
                    y = "share"
                    fill = "batch"
                }
            } else {
                geomBar(stat = Stat.identity, width = 0.7, fill = "#3b528b") {
                    x = "expert"
                    y = "share"
                }
            }
        p += geomHLine(yintercept = 1.0 / experts.size, linetype = "dashed", color = "#d62728", size = 0.8)
        p += scaleXDiscrete(name = "expert", limits = experts)
        p +=
            scaleYContinuous(
                name = "share of token assignments",
                format = ".0%",
                limits = 0 to (share.maxOrNull() ?: 0.0).coerceAtLeast(1.0 / experts.size) * 1.1,
            )
        val summary =
            batches.joinToString("\n") { b ->
                val parts = ArrayList<String>()
                parts += String.format(Locale.ROOT, "load entropy %.3f of max", b.normalizedEntropy())
                b.balance?.let { parts += String.format(Locale.ROOT, "balance E·Σf·p %.3f", it) }
                parts += String.format(Locale.ROOT, "max/mean %.2f", b.maxOverMean())
                b.meanTokenEntropy?.let { parts += String.format(Locale.ROOT, "token entropy %.3f nats", it) }
                val lines = ArrayList<String>()
                for (part in parts) {
                    val line = lines.lastOrNull()
                    if (line != null && line.length + 2 + part.length <= 64) lines[lines.size - 1] = "$line, $part"
                    else lines += part
                }
                (if (many) b.label + ": " else "") + lines.joinToString("\n")
            }
        p +=
            labs(
                title = Titles.wrap("Expert load" + (if (many) "" else " of ${batches[0].label}")),
                subtitle = "$summary\ndashed: balanced share 1/${experts.size}",
                x = "expert",
                y = "share of token assignments",
                fill = if (many) "batch" else null,
            )
        p += ggsize((300 + 60 * experts.size * (if (many) 2 else 1)).coerceIn(640, 1200), 440)
        return p
    }
}
