package org.loralgebra.plot

import kotlin.math.abs
import org.jetbrains.letsPlot.Figure
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.RealAdapters
import org.loralgebra.stdlib.analysis.InterferenceMeasure
import org.loralgebra.stdlib.analysis.MergeInterference
import org.loralgebra.stdlib.analysis.SpectralMeasure
import org.loralgebra.stdlib.analysis.SpectrumStats

class LayerHeatmapPlotTest {
    private val stats = SpectrumStats.of(Lora.load(RealAdapters.path("gpt2-tigrinya")))

    /** Every cell is a tile, printed with its value (3 significant digits). */
    private fun checkCells(plot: Figure, values: List<Double>) {
        val svg = PlotChecks.svg(plot)
        assertEquals(values.size, PlotChecks.tiles(svg).size, "one tile per module")
        val printed = PlotChecks.texts(svg, "").map { it.toDouble() }.sorted()
        val expected = values.sorted()
        assertEquals(expected.size, printed.size)
        for (k in expected.indices) {
            assertEquals(expected[k], printed[k], 0.006 * abs(expected[k]) + 1e-12, "cell $k")
        }
    }

    @Test
    fun effectiveRankByLayerAndModuleType() {
        val plot = LayerHeatmapPlot.of(stats, SpectralMeasure.EFFECTIVE_RANK)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(svg, "Effective rank (entropy) of gpt2-tigrinya", "module type", "layer")
        assertEquals(listOf("effective rank (entropy)"), PlotChecks.texts(svg, "legend-title"))
        assertEquals(listOf("attn.c_attn", "attn.c_proj", "mlp.c_proj"), PlotChecks.texts(svg, "axis-text-x"))
        assertEquals((0..11).map { it.toString() }, PlotChecks.texts(svg, "axis-text-y"))
        checkCells(plot, stats.measure(SpectralMeasure.EFFECTIVE_RANK).values.toList())
        PlotChecks.writePng(plot, "heatmap-effective-rank")
    }

    @Test
    fun energyByLayerAndModuleType() {
        val plot = LayerHeatmapPlot.of(stats, SpectralMeasure.ENERGY)
        PlotChecks.assertLabels(PlotChecks.svg(plot), "Energy ‖ΔW‖²_F of gpt2-tigrinya", "module type", "layer")
        checkCells(plot, stats.measure(SpectralMeasure.ENERGY).values.toList())
        PlotChecks.writePng(plot, "heatmap-energy")
    }

    @Test
    fun energyRankPrintsIntegers() {
        val plot = LayerHeatmapPlot.of(stats, SpectralMeasure.ENERGY_RANK)
        val svg = PlotChecks.svg(plot)
        assertEquals(listOf("rank holding 90% energy"), PlotChecks.texts(svg, "legend-title"))
        val printed = PlotChecks.texts(svg, "")
        assertEquals(
            stats.measure(SpectralMeasure.ENERGY_RANK).values.map { it.toInt().toString() }.sorted(),
            printed.sorted(),
        )
    }

    @Test
    fun interferenceByLayer() {
        val mi =
            MergeInterference.of(
                Lora.load(RealAdapters.path("distilbert-imdb")),
                Lora.load(RealAdapters.path("distilbert-emotion")),
            )
        val plot = LayerHeatmapPlot.of(mi, InterferenceMeasure.COSINE)
        PlotChecks.assertLabels(
            PlotChecks.svg(plot),
            "Cosine of updates: distilbert-imdb vs distilbert-emotion",
            "module type",
            "layer",
        )
        checkCells(plot, mi.measure(InterferenceMeasure.COSINE).values.toList())
    }
}
