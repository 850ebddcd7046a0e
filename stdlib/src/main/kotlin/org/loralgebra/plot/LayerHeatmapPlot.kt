package org.loralgebra.plot

import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.coord.coordCartesian
import org.jetbrains.letsPlot.geom.geomText
import org.jetbrains.letsPlot.geom.geomTile
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.scale.scaleFillViridis
import org.jetbrains.letsPlot.scale.scaleXDiscrete
import org.jetbrains.letsPlot.scale.scaleYContinuous
import org.jetbrains.letsPlot.themes.themeMinimal
import org.loralgebra.stdlib.analysis.InterferenceMeasure
import org.loralgebra.stdlib.analysis.LayerGrid
import org.loralgebra.stdlib.analysis.MergeInterference
import org.loralgebra.stdlib.analysis.SpectralMeasure
import org.loralgebra.stdlib.analysis.SpectrumStats

/**
 * A layer × module-type heatmap of one number per module ([LayerGrid]): layers bottom to top, module types left to
 * right, the colour (viridis) and, when the grid is small enough to read, the value printed in each cell. Cells of
 * modules the adapter does not have stay empty.
 */
object LayerHeatmapPlot {
    /** Cells up to which values are printed in the tiles. */
    const val MAX_LABELLED_CELLS: Int = 400

    /** A measure of an adapter's spectra by layer and module type (effective rank, energy, ...). */
    @JvmStatic
    fun of(stats: SpectrumStats, measure: SpectralMeasure): Figure {
        val grid = stats.grid(measure)
        return of(grid, "${capitalized(grid.quantity())} of ${stats.label()}", "by layer and module type")
    }

    /** A merge-interference measure by layer and module type (mean over pairs for more than two adapters). */
    @JvmStatic
    fun of(interference: MergeInterference, measure: InterferenceMeasure): Figure {
        val grid = interference.grid(measure)
        val over = if (interference.labels().size > 2) "mean over pairs; " else ""
        return of(
            grid,
            "${capitalized(measure.title())}: ${interference.labels().joinToString(" vs ")}",
            "${over}by layer and module type",
        )
    }

    /** Any grid, with a title and subtitle. */
    @JvmStatic
    fun of(grid: LayerGrid, title: String, subtitle: String?): Figure {
        val layer = ArrayList<Int>()
        val type = ArrayList<String>()
        val value = ArrayList<Double>()
        val values = grid.values()
        for (l in grid.layers().indices) {
            for (t in grid.types().indices) {
                val v = values[l][t]
                if (!v.isNaN()) {
                    layer += grid.layers()[l]
                    type += grid.types()[t]
                    value += v
                }
            }
        }
        requireData(value.isNotEmpty()) { "nothing to draw: '${grid.quantity()}' has no module with a layer index" }
        val data = mapOf("layer" to layer, "type" to type, "value" to value)
        var p: Plot =
            letsPlot(data) +
                themeMinimal() +
                geomTile(color = "white", size = 0.5) {
                    x = "type"
                    y = "layer"
                    fill = "value"
                }
        if (value.size <= MAX_LABELLED_CELLS) {
            val max = value.maxOrNull() ?: 0.0
            val mid = ((value.minOrNull() ?: 0.0) + max) / 2
            // dark text on the light (high) end of viridis, light text on the dark end
            p +=
                geomText(
                    data = pick(data, value.map { it < mid }),
                    color = "white",
                    size = 6,
                    labelFormat = format(value),
                ) {
                    x = "type"
                    y = "layer"
                    label = "value"
                }
            p +=
                geomText(
                    data = pick(data, value.map { it >= mid }),
                    color = "black",
                    size = 6,
                    labelFormat = format(value),
                ) {
                    x = "type"
                    y = "layer"
                    label = "value"
                }
        }
        p += coordCartesian()
        p += scaleFillViridis(name = grid.quantity())
        p += scaleXDiscrete(name = "module type", limits = grid.types())
        p += scaleYContinuous(name = "layer", breaks = grid.layers(), format = "d")
        p +=
            labs(
                title = Titles.wrap(title),
                subtitle = subtitle,
                x = "module type",
                y = "layer",
                fill = grid.quantity(),
            )
        val height = (120 + 26 * grid.layers().size).coerceIn(320, 900)
        val width = (260 + 120 * grid.types().size).coerceIn(480, 1200)
        p += ggsize(width, height)
        return p
    }

    private fun pick(data: Map<String, List<Any>>, keep: List<Boolean>): Map<String, List<Any>> =
        data.mapValues { (_, column) ->
            column.filterIndexed { i, _ -> keep[i] }
        }

    /** Integers as integers, small or large values with 3 significant digits. */
    private fun format(values: List<Double>): String =
        if (values.all { it == Math.rint(it) && Math.abs(it) < 1e6 }) "d" else ".3g"

    internal fun capitalized(s: String): String = s.replaceFirstChar { it.uppercaseChar() }
}
