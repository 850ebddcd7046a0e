package org.loralgebra.plot

import java.util.Locale
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.Stat
import org.jetbrains.letsPlot.coord.coordFlip
import org.jetbrains.letsPlot.geom.geomBar
import org.jetbrains.letsPlot.geom.geomErrorBar
import org.jetbrains.letsPlot.geom.geomHLine
import org.jetbrains.letsPlot.geom.geomPath
import org.jetbrains.letsPlot.geom.geomPoint
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.scale.scaleXContinuous
import org.jetbrains.letsPlot.scale.scaleXDiscrete
import org.jetbrains.letsPlot.scale.scaleYContinuous
import org.jetbrains.letsPlot.themes.themeBW
import org.loralgebra.stdlib.lab.ForgettingReport
import org.loralgebra.stdlib.lab.MeanSe
import org.loralgebra.stdlib.lab.MergeReport
import org.loralgebra.stdlib.lab.RouteReport

/**
 * The evaluation lab's results: mean test accuracy over tasks per method (bars, best on top, with ± one standard error
 * over seeds), with the base and the individual adapters as dashed reference lines; and the forget/retain frontier of
 * unlearning (one point per grid row, coloured by protect rank, the joint model and the base marked).
 */
object LabPlot {
    /** The merge methods of {@code lora lab merge}, best first. */
    @JvmStatic
    fun of(report: MergeReport): Figure =
        bars(
            "Merging ${report.tasks().size} ${report.suite()} tasks",
            report.seeds(),
            report.methods().mapValues { it.value.mean() },
            MergeReport.meanOfMeans(report.base()),
            MergeReport.meanOfMeans(report.individual()),
        )

    /** The routers of {@code lora lab route} and the best static merge, best first. */
    @JvmStatic
    fun of(report: RouteReport): Figure =
        bars(
            "Routing ${report.tasks().size} ${report.suite()} tasks",
            report.seeds(),
            report.methods().entries.associate { (name, r) ->
                (if (name == "best_static") "best_static (${report.bestStatic()})" else name) to r.mean()
            },
            MergeReport.meanOfMeans(report.base()),
            MergeReport.meanOfMeans(report.individual()),
        )

    /**
     * The forget/retain frontier of {@code lora lab unlearn}: forget accuracy (lower is better) against mean retain
     * accuracy (higher is better), one point per row, rows of one protect rank and pruning joined in λ order.
     */
    @JvmStatic
    fun of(report: ForgettingReport): Figure {
        requireData(report.rows().isNotEmpty()) { "unlearning plot: no rows" }
        val forget = ArrayList<Double>()
        val retain = ArrayList<Double>()
        val protect = ArrayList<String>()
        val series = ArrayList<String>()
        for (row in report.rows()) {
            forget += row.accuracies().forget().mean()
            retain += row.accuracies().retain().mean()
            protect += if (row.protectRank() == 0) "0 (plain negation)" else row.protectRank().toString()
            series += "${row.protectRank()} ${row.pruneRank()} ${row.pruning()}"
        }
        val data = mapOf("forget" to forget, "retain" to retain, "protect rank" to protect, "series" to series)
        val joint = report.joint()
        val base = report.base()
        var p: Plot = letsPlot(data) + themeBW()
        p +=
            geomPath(alpha = 0.35) {
                x = "forget"
                y = "retain"
                group = "series"
                color = "protect rank"
            }
        p +=
            geomPoint(size = 3.0, alpha = 0.85) {
                x = "forget"
                y = "retain"
                color = "protect rank"
            }
        p +=
            geomPoint(
                x = joint.forget().mean(),
                y = joint.retain().mean(),
                shape = 8,
                size = 5.0,
                color = "black",
            )
        p += geomPoint(x = base.forget().mean(), y = base.retain().mean(), shape = 4, size = 5.0, color = "#7f7f7f")
        p += scaleXContinuous(name = "forget accuracy (${report.forget()}) ↓", format = ".0%")
        p += scaleYContinuous(name = "retain accuracy (mean of ${report.retain().size}) ↑", format = ".0%")
        p +=
            labs(
                title = Titles.wrap("Unlearning ${report.forget()} on ${report.suite()}"),
                subtitle =
                    String.format(
                        Locale.ROOT,
                        "%d seed(s); ✱ joint adapter (%.1f%% / %.1f%%), × base (%.1f%% / %.1f%%)\n" +
                            "lines join λ = %s of one protect rank and pruning",
                        report.seeds(),
                        100 * joint.forget().mean(),
                        100 * joint.retain().mean(),
                        100 * base.forget().mean(),
                        100 * base.retain().mean(),
                        report.rows().map { it.lambda() }.distinct().joinToString(", ") { fmt(it) },
                    ),
                color = "protect rank",
            )
        p += ggsize(720, 480)
        return p
    }

    private fun bars(
        title: String,
        seeds: Int,
        means: Map<String, MeanSe>,
        baseMean: Double,
        individualMean: Double,
    ): Figure {
        requireData(means.isNotEmpty()) { "lab plot: no method" }
        val ordered = means.entries.sortedBy { it.value.mean() }
        val method = ordered.map { it.key }
        val mean = ordered.map { it.value.mean() }
        val low = ordered.map { it.value.mean() - it.value.se() }
        val high = ordered.map { it.value.mean() + it.value.se() }
        var p: Plot =
            letsPlot(mapOf("method" to method, "mean" to mean, "low" to low, "high" to high)) +
                themeBW() +
                geomBar(stat = Stat.identity, width = 0.7, fill = "#3b528b") {
                    x = "method"
                    y = "mean"
                } +
                geomErrorBar(width = 0.3, color = "#222222") {
                    x = "method"
                    ymin = "low"
                    ymax = "high"
                }
        p += geomHLine(yintercept = baseMean, linetype = "dashed", color = "#d62728", size = 0.8)
        p += geomHLine(yintercept = individualMean, linetype = "dashed", color = "#2ca02c", size = 0.8)
        p += scaleXDiscrete(name = "method", limits = method)
        p += scaleYContinuous(name = "mean test accuracy over tasks", format = ".0%", limits = 0.0 to 1.0)
        p += coordFlip()
        p +=
            labs(
                title = Titles.wrap(title),
                subtitle =
                    String.format(
                        Locale.ROOT,
                        "mean ± se over %d seed(s)\ndashed: base %.1f%% (red), each adapter on its own task %.1f%% (green)",
                        seeds,
                        100 * baseMean,
                        100 * individualMean,
                    ),
            )
        p += ggsize(760, (160 + 26 * method.size).coerceIn(320, 900))
        return p
    }

    private fun fmt(v: Double): String = if (v == Math.rint(v)) v.toLong().toString() else v.toString()
}
