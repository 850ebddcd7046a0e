package org.loralgebra.plot

import kotlin.math.log10
import kotlin.math.pow
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.facet.facetWrap
import org.jetbrains.letsPlot.geom.geomLine
import org.jetbrains.letsPlot.geom.geomPoint
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.scale.scaleColorViridis
import org.jetbrains.letsPlot.scale.scaleXContinuous
import org.jetbrains.letsPlot.scale.scaleYLog10
import org.jetbrains.letsPlot.themes.themeBW
import org.loralgebra.Adapter
import org.loralgebra.Spectrum
import org.loralgebra.stdlib.analysis.SpectrumStats

/**
 * Spectrum decay: singular values against their index on a log scale, from [SpectrumStats].
 *
 * With [SpectrumLines.MODULE] every module is a line, coloured by layer, one panel per module type; with
 * [SpectrumLines.LAYER] every layer is a line (the mean i-th singular value over that layer's modules). Zero singular
 * values cannot sit on a log axis and are left out.
 */
object SpectrumPlot {
    /** The spectra of an adapter, one line per module, raw singular values. */
    @JvmStatic fun of(stats: SpectrumStats): Figure = of(stats, SpectrumLines.MODULE, false)

    /** The spectra of an adapter from its spectrum (`SpectrumPlot.of(a.spectrum())`), one line per module. */
    @JvmStatic
    fun of(spectrum: Spectrum): Figure =
        of(SpectrumStats.of(spectrum.label(), spectrum, SpectrumStats.DEFAULT_ENERGY_FRACTION))

    /** The spectra of an adapter (`SpectrumPlot.of(a)`), one line per module. */
    @JvmStatic fun of(adapter: Adapter): Figure = of(SpectrumStats.of(adapter))

    /**
     * The spectra of an adapter.
     *
     * @param lines one line per module or per layer
     * @param normalized divide each module's values by its σ₁ (compares decay, not size)
     */
    @JvmStatic
    fun of(stats: SpectrumStats, lines: SpectrumLines, normalized: Boolean): Figure {
        val indexOf = ArrayList<Int>()
        val sigmaOf = ArrayList<Double>()
        val lineOf = ArrayList<String>()
        val layerOf = ArrayList<Int?>()
        val typeOf = ArrayList<String>()
        when (lines) {
            SpectrumLines.MODULE ->
                for (m in stats.modules()) {
                    val s = m.singularValues()
                    val top = if (normalized && m.spectralNorm() > 0) m.spectralNorm() else 1.0
                    for (i in s.indices) {
                        if (s[i] > 0) {
                            indexOf += i + 1
                            sigmaOf += s[i] / top
                            lineOf += m.module()
                            layerOf += if (m.name().layer().isPresent) m.name().layer().asInt else null
                            typeOf += m.name().type()
                        }
                    }
                }
            SpectrumLines.LAYER ->
                for ((l, s) in stats.meanSpectrumByLayer(normalized)) {
                    for (i in s.indices) {
                        if (s[i] > 0) {
                            indexOf += i + 1
                            sigmaOf += s[i]
                            lineOf += "layer $l"
                            layerOf += l
                            typeOf += "all modules"
                        }
                    }
                }
        }
        requireData(sigmaOf.isNotEmpty()) { "spectrum of '${stats.label()}' has no non-zero singular value to plot" }
        val yName = if (normalized) "σᵢ / σ₁ (log scale)" else "singular value σᵢ (log scale)"
        val data = mapOf("index" to indexOf, "sigma" to sigmaOf, "line" to lineOf, "layer" to layerOf, "type" to typeOf)
        val hasLayers = layerOf.all { it != null }
        val maxIndex = indexOf.maxOrNull() ?: 1
        var p: Plot = letsPlot(data) + themeBW()
        p +=
            if (hasLayers) {
                geomLine(size = 0.8, alpha = 0.85) {
                    x = "index"
                    y = "sigma"
                    group = "line"
                    color = "layer"
                }
            } else {
                geomLine(size = 0.8) {
                    x = "index"
                    y = "sigma"
                    color = "line"
                }
            }
        if (maxIndex <= 32) {
            p +=
                if (hasLayers)
                    geomPoint(size = 1.6) {
                        x = "index"
                        y = "sigma"
                        color = "layer"
                    }
                else
                    geomPoint(size = 1.6) {
                        x = "index"
                        y = "sigma"
                        color = "line"
                    }
        }
        p += scaleYLog10(name = yName, limits = paddedLogLimits(sigmaOf.min(), sigmaOf.max()))
        p += scaleXContinuous(name = "index i", breaks = integerBreaks(maxIndex), format = "d")
        if (hasLayers) {
            p += scaleColorViridis(name = "layer")
        }
        val types = typeOf.distinct()
        if (lines == SpectrumLines.MODULE && types.size > 1) {
            p += facetWrap(facets = "type", ncol = minOf(types.size, 3), order = 1)
        }
        val what = if (lines == SpectrumLines.MODULE) "one line per module" else "mean over each layer's modules"
        p +=
            labs(
                title = Titles.wrap("Singular value spectra of ${stats.label()}"),
                subtitle =
                    "$what" + (if (normalized) ", normalized by σ₁" else "") + "; ${stats.modules().size} modules",
                x = "index i",
                y = yName,
                color = if (hasLayers) "layer" else "module",
            )
        p += ggsize(if (types.size > 1 && lines == SpectrumLines.MODULE) 900 else 640, 420)
        return p
    }

    /** The share of the log range added above and below the data, so that no point sits on the panel's frame. */
    const val LOG_PADDING: Double = 0.06

    /**
     * Log-axis limits around `[lo, hi]`: `lo / p` and `hi · p` with `log10 p` = [LOG_PADDING] × the decades spanned (at
     * least 0.1 decade, so a single value gets a margin too).
     */
    internal fun paddedLogLimits(lo: Double, hi: Double): Pair<Double, Double> {
        val decades = maxOf(log10(hi / lo), 0.1)
        val pad = 10.0.pow(LOG_PADDING * decades)
        return lo / pad to hi * pad
    }

    internal fun integerBreaks(max: Int): List<Int> {
        val step =
            when {
                max <= 10 -> 1
                max <= 20 -> 2
                max <= 50 -> 5
                else -> (max / 10).coerceAtLeast(1)
            }
        return (1..max).filter { it == 1 || it % step == 0 }
    }
}

/** What a line of a [SpectrumPlot] stands for. */
enum class SpectrumLines {
    /** One line per module. */
    MODULE,

    /** One line per layer: the mean i-th singular value over that layer's modules. */
    LAYER,
}
