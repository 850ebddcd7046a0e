package org.loralgebra.plot

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.loralgebra.stdlib.lab.ForgettingReport
import org.loralgebra.stdlib.lab.MeanSe
import org.loralgebra.stdlib.lab.MergeReport
import org.loralgebra.stdlib.lab.RouteReport

class LabPlotTest {
    private val tasks = listOf("rotated", "flipped")
    private val base = mapOf("rotated" to MeanSe.of(0.3, 0.32), "flipped" to MeanSe.of(0.4, 0.42))
    private val individual = mapOf("rotated" to MeanSe.of(0.8, 0.82), "flipped" to MeanSe.of(0.7, 0.72))

    private fun method(a: Double, b: Double) =
        MergeReport.MethodResult(
            mapOf("rotated" to MeanSe.of(a), "flipped" to MeanSe.of(b)),
            MeanSe.of((a + b) / 2, (a + b) / 2 + 0.02),
            listOf(0.5, 0.5),
        )

    @Test
    fun mergeBarsAreTheMeansBestOnTop() {
        val report =
            MergeReport(
                "fmnist",
                2,
                tasks,
                base,
                individual,
                linkedMapOf("ties" to method(0.5, 0.6), "cat" to method(0.6, 0.7), "linear" to method(0.2, 0.3)),
            )
        val plot = LabPlot.of(report)
        val svg = PlotChecks.svg(plot)
        assertTrue(PlotChecks.allTexts(svg).contains("Merging 2 fmnist tasks"), PlotChecks.allTexts(svg).toString())
        val bars = PlotChecks.bars(svg)
        assertEquals(3, bars.size)
        val lengths = bars.map { it.getAttribute("width").toDouble() }.sorted()
        val means = listOf(0.26, 0.56, 0.66)
        val perUnit = lengths[2] / means[2]
        means.forEachIndexed { i, m -> assertEquals(m * perUnit, lengths[i], 1e-6, "bar $i: ${lengths[i]}") }
        val labels = PlotChecks.allTexts(svg)
        assertEquals(listOf("linear", "ties", "cat"), labels.filter { it in setOf("linear", "ties", "cat") })
        PlotChecks.writePng(plot, "lab-merge")
    }

    @Test
    fun routeBarsNameTheBestStaticMethod() {
        val r =
            RouteReport.MethodResult(mapOf("rotated" to MeanSe.of(0.7), "flipped" to MeanSe.of(0.6)), MeanSe.of(0.65))
        val report =
            RouteReport(
                "fmnist",
                1,
                tasks,
                base,
                individual,
                linkedMapOf("fitted_gate" to r, "best_static" to r),
                "ties",
            )
        val svg = PlotChecks.svg(LabPlot.of(report))
        assertTrue(PlotChecks.allTexts(svg).contains("best_static (ties)"), PlotChecks.allTexts(svg).toString())
    }

    @Test
    fun theFrontierHasOnePointPerRowAndTheReferences() {
        fun acc(f: Double, r: Double) = ForgettingReport.Accuracies(MeanSe.of(f), MeanSe.of(r), MeanSe.of(0.5))
        val rows =
            listOf(
                ForgettingReport.Row(1.0, 0, 4, "none", acc(0.3, 0.4)),
                ForgettingReport.Row(2.0, 0, 4, "none", acc(0.2, 0.3)),
                ForgettingReport.Row(1.0, 12, 4, "none", acc(0.35, 0.5)),
            )
        val report = ForgettingReport("fmnist", 1, "rotated", listOf("flipped"), acc(0.27, 0.33), acc(0.66, 0.62), rows)
        val plot = LabPlot.of(report)
        val svg = PlotChecks.svg(plot)
        assertTrue(
            PlotChecks.allTexts(svg).contains("Unlearning rotated on fmnist"),
            PlotChecks.allTexts(svg).toString(),
        )
        assertEquals(listOf("0 (plain negation)", "12"), PlotChecks.texts(svg, "legend-item"))
        PlotChecks.writePng(plot, "lab-unlearn")
    }
}
