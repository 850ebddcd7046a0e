package org.loralgebra.kernel.repl

import org.jetbrains.letsPlot.Figure
import org.loralgebra.AdapterSummary
import org.loralgebra.Spectrum
import org.loralgebra.kernel.jupyter.ValueTables
import org.loralgebra.plan.Plan
import org.loralgebra.stdlib.analysis.IntruderDimensions
import org.loralgebra.stdlib.analysis.MergeInterference
import org.loralgebra.stdlib.analysis.SpectrumStats
import org.loralgebra.stdlib.analysis.SubspaceSimilarity

/**
 * How the REPL prints a value: plans and summaries as their text, spectra, analysis results and maps of arrays as
 * aligned tables (the same [ValueTables] notebooks render as HTML), arrays by their contents — never `[D@464649c`.
 */
object ReplValues {
    /** The text after `name: Type = `; a multi-line value starts on a new line. */
    @JvmStatic
    fun render(value: Any?): String =
        when (value) {
            is Plan -> "\n" + value.explain().trimEnd()
            is AdapterSummary -> "\n" + value.toText().trimEnd()
            is Spectrum -> "\n" + ValueTables.spectrum(value.label(), value).toText()
            is SpectrumStats -> "\n" + ValueTables.spectrumStats(value).toText()
            is SubspaceSimilarity -> "\n" + ValueTables.subspaceSimilarity(value).toText()
            is MergeInterference -> "\n" + ValueTables.mergeInterference(value).toText()
            is IntruderDimensions -> "\n" + ValueTables.intruders(value).toText()
            is Map<*, *> ->
                if (ValueTables.isArrayMap(value))
                    "\n" + ValueTables.arrays("${value.size} entries", "key", "v", value).toText()
                else value.toString()
            is Figure ->
                "Lets-Plot figure (write it with PlotExport.save(figure, Path.of(\"plot.svg\")), .png or .html)"
            is DoubleArray -> value.contentToString()
            is FloatArray -> value.contentToString()
            is IntArray -> value.contentToString()
            is LongArray -> value.contentToString()
            is Array<*> -> value.contentDeepToString()
            else -> value.toString()
        }
}
