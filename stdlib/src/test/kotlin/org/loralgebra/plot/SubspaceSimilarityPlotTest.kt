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
        val plot = SubspaceSimilarityPlot.of(similarity, null, true)
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
                "mean over 12 modules; random subspaces: φ ≈ max(i, j)/n = 0.0013 to 0.010 here (n = 768)",
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
            listOf(
                "φ(i, j) = ‖UᵢᵀUⱼ‖² / min(i, j) (squared Frobenius norm), input singular vectors",
                "$module; random subspaces: φ ≈ max(i, j)/n = 0.0013 to 0.010 here (n = 768)",
            ),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertTrue(
            s.module(module).phi(1, 1) > 0.5,
            "the top direction survives the merge: ${s.module(module).phi(1, 1)}",
        )
        PlotChecks.writePng(plot, "subspace-similarity-merged")
    }

    /**
     * By default the colours span the values shown: two unrelated adapters (φ well below 1) still use the whole
     * palette, where the fixed [0, 1] scale paints them in its darkest colours.
     */
    @Test
    fun theDefaultScaleSpansTheValuesShown() {
        val module = "distilbert.transformer.layer.3.attention.v_lin"
        val grid = similarity.module(module).phiGrid().flatMap { it.asIterable() }
        assertTrue(grid.max() < 0.5, "unrelated adapters: largest φ ${grid.max()}")
        val auto = PlotChecks.svg(SubspaceSimilarityPlot.of(similarity, module))
        val legend = PlotChecks.texts(auto, "legend-item").map { it.toDouble() }
        assertTrue(legend.max() < 0.5 && legend.max() <= grid.max(), "auto legend within the data: $legend")
        val autoFills = PlotChecks.tiles(auto).map { it.getAttribute("fill") }.toSet()
        val fixedFills =
            PlotChecks.tiles(PlotChecks.svg(SubspaceSimilarityPlot.of(similarity, module, true)))
                .map { it.getAttribute("fill") }
                .toSet()
        assertTrue("#fde725" in autoFills, "the largest φ gets the top colour: $autoFills")
        assertTrue("#fde725" !in fixedFills, "on [0, 1] no tile reaches the top colour: $fixedFills")
    }

    /** An adapter against itself: φ = 1 everywhere, every tile the top colour of the scale. */
    @Test
    fun selfSimilarityIsOneEverywhere() {
        val module = "distilbert.transformer.layer.3.attention.v_lin"
        val self = SubspaceSimilarityPlot.of(SubspaceSimilarity.of(imdb, imdb), module, true)
        val tiles = PlotChecks.tiles(PlotChecks.svg(self))
        assertEquals(64, tiles.size)
        assertEquals(setOf("#fde725"), tiles.map { it.getAttribute("fill") }.toSet(), "viridis at 1.0")
        val other = PlotChecks.tiles(PlotChecks.svg(SubspaceSimilarityPlot.of(similarity, module, true)))
        assertNotEquals(setOf("#fde725"), other.map { it.getAttribute("fill") }.toSet())
    }
}
