package org.loralgebra.kernel.jupyter

import org.jetbrains.kotlinx.jupyter.api.libraries.JupyterIntegration
import org.jetbrains.letsPlot.Figure
import org.loralgebra.Adapter
import org.loralgebra.AdapterSummary
import org.loralgebra.kernel.DefaultImports
import org.loralgebra.plan.Plan

/**
 * LoRAlgebra in the Kotlin Jupyter kernel: the language's imports (core, Kotlin operators, plot export, the Lets-Plot
 * DSL) and renderers for its values. Found on the kernel's classpath through
 * `META-INF/kotlin-jupyter-libraries/libraries.json`; nothing is downloaded.
 *
 * Lets-Plot's own notebook integration (`%use lets-plot`) would fetch its artifacts and JavaScript from the network;
 * here figures render as static SVG instead (see [NotebookRenders.figure]).
 */
class LoraIntegration : JupyterIntegration() {
    override fun Builder.onLoaded() {
        import(*DefaultImports.ALL.toTypedArray())
        render<Figure> { NotebookRenders.figure(it) }
        render<Adapter> { NotebookRenders.adapter(it) }
        render<AdapterSummary> { NotebookRenders.summary(it) }
        render<Plan> { NotebookRenders.plan(it) }
    }
}
