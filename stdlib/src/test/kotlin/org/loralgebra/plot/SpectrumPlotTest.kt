package org.loralgebra.plot

import kotlin.math.log10
import org.jetbrains.letsPlot.intern.toSpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.loralgebra.Lora
import org.loralgebra.RealAdapters
import org.loralgebra.lang.LoraException
import org.loralgebra.stdlib.analysis.ModuleSpectrum
import org.loralgebra.stdlib.analysis.SpectrumStats

class SpectrumPlotTest {
    private val stats = SpectrumStats.of(Lora.load(RealAdapters.path("gpt2-tigrinya")))

    @Test
    fun oneLinePerModuleInAPanelPerModuleType() {
        val plot = SpectrumPlot.of(stats)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(
            svg,
            "Singular value spectra of gpt2-tigrinya",
            "index i",
            "singular value σᵢ (log scale)",
        )
        assertEquals(listOf("one line per module; 36 modules"), PlotChecks.texts(svg, "plot-subtitle"))
        assertEquals(listOf("layer"), PlotChecks.texts(svg, "legend-title"))
        assertEquals(listOf("attn.c_attn", "attn.c_proj", "mlp.c_proj"), PlotChecks.texts(svg, "facet-strip-text-x"))
        val lines = PlotChecks.lines(svg)
        assertEquals(36, lines.size, "one line per module")
        assertTrue(lines.all { PlotChecks.vertices(it).size == 8 }, "each line has the module's 8 singular values")
        PlotChecks.writePng(plot, "spectrum")
    }

    @Test
    fun theNaturalSpellingsDrawTheSameFigure() {
        val adapter = Lora.load(RealAdapters.path("gpt2-tigrinya"))
        val expected = PlotExport.toSvg(SpectrumPlot.of(stats))
        assertEquals(expected, PlotExport.toSvg(SpectrumPlot.of(adapter.spectrum())), "SpectrumPlot.of(a.spectrum())")
        assertEquals(expected, PlotExport.toSvg(SpectrumPlot.of(adapter)), "SpectrumPlot.of(a)")
    }

    @Test
    fun oneLinePerLayerNormalizedStartsAtOne() {
        val plot = SpectrumPlot.of(stats, SpectrumLines.LAYER, true)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(svg, "Singular value spectra of gpt2-tigrinya", "index i", "σᵢ / σ₁ (log scale)")
        val lines = PlotChecks.lines(svg)
        assertEquals(12, lines.size, "one line per layer")
        val starts = lines.map { PlotChecks.vertices(it)[0] }.toSet()
        assertEquals(1, starts.size, "every normalized spectrum starts at σ₁/σ₁ = 1")
        PlotChecks.writePng(plot, "spectrum-by-layer")
    }

    /** The log axis is padded: the smallest and largest values sit at least 5% of the log range inside it. */
    @Test
    fun noPointSitsOnTheFrame() {
        val values = stats.modules().flatMap { m -> m.singularValues().filter { it > 0 } }
        val lo = values.min()
        val hi = values.max()
        val scales = SpectrumPlot.of(stats).toSpec()["scales"] as List<*>
        val y = scales.map { it as Map<*, *> }.single { it["aesthetic"] == "y" && it.containsKey("limits") }
        val limits = (y["limits"] as List<*>).map { (it as Number).toDouble() }
        val span = log10(limits[1]) - log10(limits[0])
        val below = (log10(lo) - log10(limits[0])) / span
        val above = (log10(limits[1]) - log10(hi)) / span
        assertTrue(
            below >= 0.05 && above >= 0.05,
            "margins in log range: below $below, above $above (limits $limits, data [$lo, $hi])",
        )
    }

    /** The vertices are an affine image of (i, log10 σᵢ): the values are drawn on a log axis. */
    @Test
    fun valuesSitOnALogAxis() {
        val m = stats.module("transformer.h.4.mlp.c_proj")
        val one = SpectrumStats(stats.label(), 0.9, listOf(m))
        val vertices = PlotChecks.vertices(PlotChecks.lines(PlotChecks.svg(SpectrumPlot.of(one))).single())
        val s = m.singularValues()
        val sx = (vertices[1].first - vertices[0].first)
        val sy = (vertices[1].second - vertices[0].second) / (log10(s[1]) - log10(s[0]))
        for (i in s.indices) {
            assertEquals(vertices[0].first + sx * i, vertices[i].first, 1e-6)
            assertEquals(vertices[0].second + sy * (log10(s[i]) - log10(s[0])), vertices[i].second, 1e-3)
        }
        assertTrue(sy < 0, "larger values are higher up: $sy pixels per decade")
    }

    @Test
    fun zeroSpectraAreRefusedWithTheAdaptersName() {
        val zero = SpectrumStats("empty", 0.9, listOf(ModuleSpectrum.of("layers.0.q", doubleArrayOf(0.0, 0.0))))
        val e = assertThrows<LoraException> { SpectrumPlot.of(zero) }
        assertTrue(e.message!!.contains("'empty'"), e.message)
    }
}
