package org.loralgebra.plot

import kotlin.math.ln
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.loralgebra.lang.LoraException

class RoutingPlotTest {
    private val batch =
        ExpertLoad("batch 1", listOf("imdb", "emotion", "tigrinya", "rank 4"), listOf(100L, 300L, 200L, 0L), 1.7, 0.42)

    @Test
    fun statisticsByConstruction() {
        assertEquals(600L, batch.total)
        assertEquals(listOf(1.0 / 6, 0.5, 1.0 / 3, 0.0), batch.fractions())
        val h = -(1.0 / 6) * ln(1.0 / 6) - 0.5 * ln(0.5) - (1.0 / 3) * ln(1.0 / 3)
        assertEquals(h / ln(4.0), batch.normalizedEntropy(), 1e-15)
        assertEquals(300.0 / 150.0, batch.maxOverMean(), 1e-15)
        assertEquals(1.0, ExpertLoad("even", listOf("a", "b"), listOf(5L, 5L)).normalizedEntropy(), 1e-15)
        assertEquals(0.0, ExpertLoad("one", listOf("a", "b"), listOf(0L, 7L)).normalizedEntropy(), 1e-15)
        assertThrows<LoraException> { ExpertLoad("x", listOf("a"), listOf(1L, 2L)) }
        assertThrows<LoraException> { ExpertLoad("x", listOf("a", "a"), listOf(1L, 2L)) }
        assertThrows<LoraException> { ExpertLoad("x", listOf("a"), listOf(-1L)) }
    }

    @Test
    fun barsAreTheShares() {
        val plot = RoutingPlot.of(batch)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(svg, "Expert load of batch 1", "expert", "share of token assignments")
        assertEquals(
            listOf(
                "load entropy 0.730 of max, balance E·Σf·p 1.700, max/mean 2.00",
                "token entropy 0.420 nats",
                "dashed: balanced share 1/4",
            ),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertEquals(listOf("imdb", "emotion", "tigrinya", "rank 4"), PlotChecks.texts(svg, "axis-text-x"))
        val bars = PlotChecks.bars(svg).sortedBy { it.getAttribute("x").toDouble() }
        assertEquals(4, bars.size)
        val heights = bars.map { it.getAttribute("height").toDouble() }
        val perShare = heights[1] / 0.5
        // Lets-Plot draws an empty bar 0.1 px high
        batch.fractions().forEachIndexed { i, s ->
            assertEquals(s * perShare, heights[i], if (s == 0.0) 0.11 else 1e-6, "bar $i")
        }
        PlotChecks.writePng(plot, "routing")
    }

    @Test
    fun batchesSideBySide() {
        val other = ExpertLoad("batch 2", batch.experts, listOf(150L, 150L, 150L, 150L))
        val svg = PlotChecks.svg(RoutingPlot.of(listOf(batch, other)))
        assertEquals(listOf("batch 1", "batch 2"), PlotChecks.texts(svg, "legend-item"))
        assertEquals(8, PlotChecks.bars(svg).size)
        val mismatched = ExpertLoad("batch 3", listOf("a", "b"), listOf(1L, 1L))
        val e = assertThrows<LoraException> { RoutingPlot.of(listOf(batch, mismatched)) }
        assertTrue(e.message!!.contains("batch 3"), e.message)
    }
}
