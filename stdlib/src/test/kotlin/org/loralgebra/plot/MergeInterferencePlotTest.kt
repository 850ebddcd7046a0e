package org.loralgebra.plot

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
            "mean over adapter pairs per module; dashed: unrelated updates (cosine 0, sign conflicts 0.5)",
            PlotChecks.texts(svg, "plot-subtitle").single(),
        )
    }
}
