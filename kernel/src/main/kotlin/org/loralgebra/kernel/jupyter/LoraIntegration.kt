package org.loralgebra.kernel.jupyter

import org.jetbrains.kotlinx.jupyter.api.FieldValue
import org.jetbrains.kotlinx.jupyter.api.RendererHandler
import org.jetbrains.kotlinx.jupyter.api.ResultHandlerExecution
import org.jetbrains.kotlinx.jupyter.api.libraries.JupyterIntegration
import org.jetbrains.letsPlot.Figure
import org.loralgebra.Adapter
import org.loralgebra.AdapterSummary
import org.loralgebra.Spectrum
import org.loralgebra.kernel.DefaultImports
import org.loralgebra.plan.Plan
import org.loralgebra.stdlib.analysis.IntruderDimensions
import org.loralgebra.stdlib.analysis.MergeInterference
import org.loralgebra.stdlib.analysis.SpectrumStats
import org.loralgebra.stdlib.analysis.SubspaceSimilarity

/**
 * LoRAlgebra in the Kotlin Jupyter kernel: the language's imports (core, Kotlin operators, plots and plot export, the
 * Lets-Plot DSL, the stdlib's analyses, merge and cluster) and renderers for its values: adapters, spectra, maps of
 * arrays and analysis results as tables (HTML and aligned text), plans as their explanation, figures as images. Found
 * on the kernel's classpath through `META-INF/kotlin-jupyter-libraries/libraries.json`; nothing is downloaded.
 *
 * Lets-Plot's own notebook integration (`%use lets-plot`) would fetch its artifacts and JavaScript from the network;
 * here figures render as static SVG instead (see [NotebookRenders.figure]).
 */
class LoraIntegration : JupyterIntegration() {
    override fun Builder.onLoaded() {
        import(*(DefaultImports.ALL + DefaultImports.NOTEBOOK_STDLIB).toTypedArray())
        render<Figure> { NotebookRenders.figure(it) }
        render<Adapter> { NotebookRenders.adapter(it) }
        render<AdapterSummary> { NotebookRenders.summary(it) }
        render<Plan> { NotebookRenders.plan(it) }
        render<Spectrum> { NotebookRenders.table(ValueTables.spectrum(it.label(), it)) }
        render<SpectrumStats> { NotebookRenders.table(ValueTables.spectrumStats(it)) }
        render<SubspaceSimilarity> { NotebookRenders.table(ValueTables.subspaceSimilarity(it)) }
        render<MergeInterference> { NotebookRenders.table(ValueTables.mergeInterference(it)) }
        render<IntruderDimensions> { NotebookRenders.table(ValueTables.intruders(it)) }
        addRenderer(ArrayMapRenderer)
        afterCellExecution { _, _ -> EngineWarmUp.startOnce() }
    }
}

/** A map whose values are primitive arrays (`Spectrum.values()`, per-module results) as a table, not `[D@464649c`. */
private object ArrayMapRenderer : RendererHandler {
    override val execution = ResultHandlerExecution { _, result ->
        FieldValue(
            NotebookRenders.table(
                ValueTables.arrays(
                    "${(result.value as Map<*, *>).size} entries",
                    "key",
                    "v",
                    result.value as Map<*, *>,
                )
            ),
            null,
        )
    }

    override fun accepts(value: Any?): Boolean = ValueTables.isArrayMap(value)

    override fun replaceVariables(mapping: Map<String, String>): RendererHandler = this
}
