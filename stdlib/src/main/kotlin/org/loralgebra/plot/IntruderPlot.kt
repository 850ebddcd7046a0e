package org.loralgebra.plot

import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.Stat
import org.jetbrains.letsPlot.geom.geomBar
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.pos.positionStack
import org.jetbrains.letsPlot.scale.scaleXContinuous
import org.jetbrains.letsPlot.scale.scaleYContinuous
import org.jetbrains.letsPlot.themes.themeBW
import org.loralgebra.stdlib.analysis.IntruderDimensions

/**
 * Intruder dimensions per layer: bars stacked by module type, one bar per layer (layers without intruders show none).
 * The subtitle states top-k, ε, and whether the counts are exact (every base singular vector compared) or upper bounds
 * (the top-K base vectors only).
 */
object IntruderPlot {
    @JvmStatic
    fun of(intruders: IntruderDimensions): Figure {
        val layer = ArrayList<Int>()
        val type = ArrayList<String>()
        val count = ArrayList<Int>()
        for (m in intruders.modules()) {
            if (m.name().layer().isPresent) {
                layer += m.name().layer().asInt
                type += m.name().type()
                count += m.count()
            }
        }
        requireData(layer.isNotEmpty()) {
            "intruders of '${intruders.adapter()}': no module has a layer index to plot by"
        }
        val o = intruders.options()
        val basis =
            if (intruders.exact()) "all base singular vectors"
            else "top ${o.baseRank()} base singular vectors (upper bounds)"
        var p: Plot =
            letsPlot(mapOf("layer" to layer, "type" to type, "count" to count)) +
                themeBW() +
                geomBar(stat = Stat.identity, position = positionStack(), width = 0.8) {
                    x = "layer"
                    y = "count"
                    fill = "type"
                }
        val layers = layer.distinct().sorted()
        p += scaleXContinuous(name = "layer", breaks = layers, format = "d")
        val max =
            (layers.maxOfOrNull { l -> layer.indices.filter { layer[it] == l }.sumOf { count[it] } } ?: 0)
                .coerceAtLeast(1)
        p +=
            scaleYContinuous(
                name = "intruder dimensions",
                breaks = (0..max).filter { max <= 10 || it % ((max + 9) / 10) == 0 },
                format = "d",
                limits = 0 to max,
            )
        p +=
            labs(
                title = Titles.wrap("Intruder dimensions of ${intruders.adapter()}"),
                subtitle =
                    "top-${o.topK()} singular vectors of W + ΔW with max |cos| < ${o.epsilon()}\n" +
                        "against $basis; ${intruders.total()} in total",
                x = "layer",
                y = "intruder dimensions",
                fill = "module type",
            )
        p += ggsize(760, 420)
        return p
    }
}
