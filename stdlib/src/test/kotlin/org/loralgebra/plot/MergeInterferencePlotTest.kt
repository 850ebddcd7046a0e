package org.loralgebra.plot

import org.jetbrains.letsPlot.intern.toSpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.RealAdapters
import org.loralgebra.stdlib.analysis.MergeInterference

class MergeInterferencePlotTest {
    @Test
    fun fourPanelsOfPointsPerModule() {
        val imdb = Lora.load(RealAdapters.path("distilbert-imdb"))
        val emotion = Lora.load(RealAdapters.path("distilbert-emotion"))
        val plot = MergeInterferencePlot.of(MergeInterference.of(imdb, emotion))
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(svg, "Merge interference of distilbert-imdb, distilbert-emotion", "layer", "value")
        assertEquals(
            setOf("cosine of updates", "sign-conflict share", "output-subspace overlap φ", "input-subspace overlap φ"),
            PlotChecks.texts(svg, "facet-strip-text-x").toSet(),
        )
        assertEquals(listOf("module type"), PlotChecks.texts(svg, "legend-title"))
        assertEquals(listOf("attention.q_lin", "attention.v_lin"), PlotChecks.texts(svg, "legend-item"))
        assertEquals(
            12 * 4,
            PlotChecks.elements(svg, "circle").size - 2,
            "a point per module and measure (+2 legend keys)",
        )
        assertEquals(2 * 4, PlotChecks.lines(svg).size, "a line per module type and measure")
        PlotChecks.writePng(plot, "merge-interference")
    }

    @Test
    fun threeAdaptersAreSummarizedOverPairs() {
        val imdb = Lora.load(RealAdapters.path("distilbert-imdb"))
        val emotion = Lora.load(RealAdapters.path("distilbert-emotion"))
        val plot = MergeInterferencePlot.of(MergeInterference.of(imdb, emotion, imdb.plus(emotion)))
        val svg = PlotChecks.svg(plot)
        assertEquals(
            listOf(
                "each point: the mean over the 3 adapter pairs sharing the module, sign conflicts among all 3; dashed:" +
                    " unrelated updates (cosine 0, sign conflicts 0.75)"
            ),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertEquals(
            setOf(
                "cosine of updates (mean of 3 pairs)",
                "sign-conflict share (all 3 adapters)",
                "output-subspace overlap φ (mean of 3 pairs)",
                "input-subspace overlap φ (mean of 3 pairs)",
            ),
            PlotChecks.texts(svg, "facet-strip-text-x").toSet(),
        )
        // the guide for unrelated updates: three fair signs all agree with probability 1/4
        val guides = (plot.toSpec()["layers"] as List<*>).map { it as Map<*, *> }.single { it["geom"] == "hline" }
        val ys = ((guides["data"] as Map<*, *>)["y"] as List<*>).map { (it as Number).toDouble() }
        assertEquals(listOf(0.0, 0.75), ys)
    }
}
