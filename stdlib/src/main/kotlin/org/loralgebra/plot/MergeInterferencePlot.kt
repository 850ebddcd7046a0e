package org.loralgebra.plot

import java.util.Locale
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.facet.facetWrap
import org.jetbrains.letsPlot.geom.geomHLine
import org.jetbrains.letsPlot.geom.geomLine
import org.jetbrains.letsPlot.geom.geomPoint
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.scale.scaleXContinuous
import org.jetbrains.letsPlot.themes.themeBW
import org.loralgebra.stdlib.analysis.InterferenceMeasure
import org.loralgebra.stdlib.analysis.MergeInterference

/**
 * The merge-interference summary: one panel per measure (cosine of the updates, sign-conflict share, output and input
 * subspace overlap), each module a point at its layer, one line per module type. Dashed guides mark what unrelated
 * updates give: cosine 0, sign conflicts 0.5 (for N adapters 1 − 2¹⁻ᴺ, the chance that N fair signs are not all equal).
 * With more than two adapters the panels say what they show: pairwise measures are the mean of the pairs sharing the
 * module, and the sign-conflict panel shows the N-way share.
 */
object MergeInterferencePlot {
    @JvmStatic
    fun of(interference: MergeInterference): Figure {
        val position = ArrayList<Int>()
        val type = ArrayList<String>()
        val measure = ArrayList<String>()
        val value = ArrayList<Double>()
        val modules = interference.modules()
        val n = interference.labels().size
        val pairs = n * (n - 1) / 2
        fun title(which: InterferenceMeasure): String =
            when {
                n <= 2 -> which.title()
                which == InterferenceMeasure.SIGN_CONFLICT -> "${which.title()} (all $n adapters)"
                else -> "${which.title()} (mean of $pairs pairs)"
            }
        // unrelated dense updates: each entry's N signs are fair coins; they all agree with probability 2·2⁻ᴺ
        val unrelatedConflict = 1.0 - 2.0 / (1L shl n)
        val byLayer = modules.all { it.name().layer().isPresent }
        for ((k, m) in modules.withIndex()) {
            val x = if (byLayer) m.name().layer().asInt else k
            for (which in InterferenceMeasure.values()) {
                val v = if (which == InterferenceMeasure.SIGN_CONFLICT) m.signConflict() else m.mean(which)
                if (v.isFinite()) {
                    position += x
                    type += m.name().type()
                    measure += title(which)
                    value += v
                }
            }
        }
        requireData(value.isNotEmpty()) { "no finite interference value to plot" }
        val data = mapOf("x" to position, "type" to type, "measure" to measure, "value" to value)
        val guides =
            mapOf(
                "measure" to listOf(title(InterferenceMeasure.COSINE), title(InterferenceMeasure.SIGN_CONFLICT)),
                "y" to listOf(0.0, unrelatedConflict),
            )
        val xName = if (byLayer) "layer" else "module (in module order)"
        var p: Plot =
            letsPlot(data) +
                themeBW() +
                geomHLine(data = guides, linetype = "dashed", color = "#888888") { yintercept = "y" } +
                geomLine(size = 0.7) {
                    x = "x"
                    y = "value"
                    color = "type"
                } +
                geomPoint(size = 2.2) {
                    x = "x"
                    y = "value"
                    color = "type"
                }
        p += facetWrap(facets = "measure", ncol = 2, scales = "free_y", order = 0)
        p += scaleXContinuous(name = xName, breaks = position.distinct().sorted(), format = "d")
        val labels = interference.labels()
        p +=
            labs(
                title = Titles.wrap("Merge interference of ${labels.joinToString(", ")}"),
                subtitle =
                    (if (n > 2)
                        "each point: the mean over the $pairs adapter pairs sharing the module, sign conflicts " +
                            "among all $n; "
                    else "") +
                        "dashed: unrelated updates (cosine 0, sign conflicts ${String.format(Locale.ROOT, "%.3g", unrelatedConflict).trimEnd('0').trimEnd('.')})",
                x = xName,
                y = "value",
                color = "module type",
            )
        p += ggsize(900, 560)
        return p
    }
}
