package org.loralgebra.kernel.jupyter

import java.util.Locale
import org.loralgebra.Spectrum
import org.loralgebra.stdlib.analysis.IntruderDimensions
import org.loralgebra.stdlib.analysis.MergeInterference
import org.loralgebra.stdlib.analysis.SpectrumStats
import org.loralgebra.stdlib.analysis.SubspaceSimilarity

/** LoRAlgebra's values as [NotebookTable]s: spectra, maps of arrays, analysis results. */
object ValueTables {
    /** A number as a cell: four significant digits (`%.4g`). */
    fun number(x: Double): String = String.format(Locale.ROOT, "%.4g", x)

    /** The singular values of every module: one row per module, one column per index (σ₁ … σᵣ). */
    fun spectrum(label: String, spectrum: Spectrum): NotebookTable {
        val values = spectrum.values()
        return arrays("Spectrum of $label (${values.size} modules)", "module", "σ", values)
    }

    /** A map of arrays (what `Spectrum.values()` and per-module results are): one row per key. */
    fun arrays(caption: String, keyHeader: String, valueHeader: String, map: Map<*, *>): NotebookTable {
        val rows = map.entries.map { (k, v) -> listOf(k.toString()) + cells(v) }
        val width = rows.maxOfOrNull { it.size - 1 } ?: 0
        val header = listOf(keyHeader) + (1..width).map { "$valueHeader${subscript(it)}" }
        return NotebookTable(caption, header, rows.map { it + List(width + 1 - it.size) { "" } })
    }

    /** Whether a value is a non-empty map whose values are all primitive arrays. */
    fun isArrayMap(value: Any?): Boolean =
        value is Map<*, *> && value.isNotEmpty() && value.values.all { cellsOrNull(it) != null }

    /** Spectrum statistics: σ₁, entropy effective rank, energy rank, stable rank per module. */
    fun spectrumStats(stats: SpectrumStats): NotebookTable {
        val energy = number(stats.energyFraction())
        return NotebookTable(
            "Spectrum statistics of ${stats.label()} (${stats.modules().size} modules)",
            listOf("module", "r", "σ₁", "effective rank", "rank for $energy of energy", "stable rank"),
            stats.modules().map { m ->
                listOf(
                    m.module(),
                    m.size().toString(),
                    number(m.spectralNorm()),
                    number(m.effectiveRank()),
                    m.energyRank(stats.energyFraction()).toString(),
                    number(m.stableRank()),
                )
            },
        )
    }

    /** Subspace similarity: per module, the compared dimensions, the top overlap and the principal cosines. */
    fun subspaceSimilarity(s: SubspaceSimilarity): NotebookTable =
        NotebookTable(
            "Subspace similarity of ${s.first()} and ${s.second()} (${s.side().toString().lowercase(Locale.ROOT)} side)",
            listOf("module", "dimensions", "top overlap", "principal cosines"),
            s.modules().map { m ->
                listOf(
                    m.module(),
                    "${m.rows()}×${m.cols()}",
                    number(m.topOverlap()),
                    m.principalCosines().joinToString(" ") { number(it) },
                )
            },
        )

    /** Merge interference: one row per module and pair of adapters. */
    fun mergeInterference(i: MergeInterference): NotebookTable {
        val labels = i.labels()
        return NotebookTable(
            "Merge interference of ${labels.joinToString(", ")}",
            listOf("module", "pair", "cosine", "sign conflict", "output overlap", "input overlap"),
            i.modules().flatMap { m ->
                m.pairs().map { p ->
                    listOf(
                        m.module(),
                        "${labels[p.first()]} · ${labels[p.second()]}",
                        number(p.cosine()),
                        number(p.signConflict()),
                        number(p.outputOverlap()),
                        number(p.inputOverlap()),
                    )
                }
            },
        )
    }

    /** Intruder dimensions: per module, how many singular vectors are intruders, and how many are confirmed. */
    fun intruders(d: IntruderDimensions): NotebookTable =
        NotebookTable(
            "Intruder dimensions of ${d.adapter()} against ${d.baseModel()} (${d.total()} in all)",
            listOf("module", "singular vectors", "intruders", "confirmed"),
            d.modules().map { m ->
                listOf(m.module(), m.singularValues().size.toString(), m.count().toString(), m.confirmed().toString())
            },
        )

    private fun cells(value: Any?): List<String> = cellsOrNull(value) ?: listOf(value.toString())

    private fun cellsOrNull(value: Any?): List<String>? =
        when (value) {
            is DoubleArray -> value.map { number(it) }
            is FloatArray -> value.map { number(it.toDouble()) }
            is IntArray -> value.map { it.toString() }
            is LongArray -> value.map { it.toString() }
            else -> null
        }

    private fun subscript(i: Int): String = i.toString().map { SUBSCRIPTS[it - '0'] }.joinToString("")

    private const val SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
}
