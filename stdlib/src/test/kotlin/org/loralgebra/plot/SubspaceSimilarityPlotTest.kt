package org.loralgebra.plot

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.RealAdapters
import org.loralgebra.stdlib.analysis.SubspaceSimilarity

class SubspaceSimilarityPlotTest {
    private val imdb = Lora.load(RealAdapters.path("distilbert-imdb"))
    private val similarity = SubspaceSimilarity.of(imdb, Lora.load(RealAdapters.path("distilbert-emotion")))

    @Test
    fun meanGridOverModules() {
        val plot = SubspaceSimilarityPlot.of(similarity)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(
            svg,
            "Subspace similarity of distilbert-imdb and distilbert-emotion",
            "j: top-j directions of distilbert-emotion",
            "i: top-i directions of distilbert-imdb",
        )
        assertEquals(
            listOf(
                "φ(i, j) = ‖UᵢᵀUⱼ‖² / min(i, j) (squared Frobenius norm), input singular vectors",
                "mean over 12 modules",
            ),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertEquals(listOf("φ(i, j)"), PlotChecks.texts(svg, "legend-title"))
        assertEquals(
            listOf("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
            PlotChecks.texts(svg, "legend-item"),
            "fixed [0, 1] scale",
        )
        assertEquals(64, PlotChecks.tiles(svg).size, "8 × 8 cells")
        PlotChecks.writePng(plot, "subspace-similarity")
    }

    /** Against a rank-8 merge that contains it, the top directions are shared: φ is high in the lower-left corner. */
    @Test
    fun mergedAdapterSharesTheTopDirections() {
        val merged = imdb.plus(Lora.load(RealAdapters.path("distilbert-emotion")).times(0.5)).truncate(8)
        val s = SubspaceSimilarity.of(imdb, merged)
        val module = "distilbert.transformer.layer.5.attention.q_lin"
        val plot = SubspaceSimilarityPlot.of(s, module)
        val svg = PlotChecks.svg(plot)
        assertEquals(
            listOf("φ(i, j) = ‖UᵢᵀUⱼ‖² / min(i, j) (squared Frobenius norm), input singular vectors", module),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertTrue(
            s.module(module).phi(1, 1) > 0.5,
            "the top direction survives the merge: ${s.module(module).phi(1, 1)}",
        )
        PlotChecks.writePng(plot, "subspace-similarity-merged")
    }

    /** An adapter against itself: φ = 1 everywhere, every tile the top colour of the scale. */
    @Test
    fun selfSimilarityIsOneEverywhere() {
        val module = "distilbert.transformer.layer.3.attention.v_lin"
        val self = SubspaceSimilarityPlot.of(SubspaceSimilarity.of(imdb, imdb), module)
        val tiles = PlotChecks.tiles(PlotChecks.svg(self))
        assertEquals(64, tiles.size)
        assertEquals(setOf("#fde725"), tiles.map { it.getAttribute("fill") }.toSet(), "viridis at 1.0")
        val other = PlotChecks.tiles(PlotChecks.svg(SubspaceSimilarityPlot.of(similarity, module)))
        assertNotEquals(setOf("#fde725"), other.map { it.getAttribute("fill") }.toSet())
    }
}
