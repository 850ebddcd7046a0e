package org.loralgebra.kernel.jupyter

import org.jetbrains.kotlinx.jupyter.api.MIME
import org.jetbrains.kotlinx.jupyter.api.MimeTypedResult
import org.jetbrains.letsPlot.Figure
import org.loralgebra.Adapter
import org.loralgebra.AdapterSummary
import org.loralgebra.plan.Plan
import org.loralgebra.plot.PlotExport

/** MIME bundles for LoRAlgebra values in notebooks. */
object NotebookRenders {
    /**
     * A Lets-Plot figure as `image/svg+xml` (static: it survives nbconvert's HTML export and GitHub's notebook view,
     * and needs no JavaScript) with a `text/plain` fallback. Lets-Plot 4.5's interactive HTML loads its JavaScript from
     * a CDN, so no `text/html` is offered.
     */
    fun figure(figure: Figure): MimeTypedResult =
        MIME("image/svg+xml" to PlotExport.toSvg(figure), "text/plain" to "Lets-Plot figure")

    /** An adapter as its module table (modules, shapes, ranks, scales, dtypes): HTML and text. */
    fun adapter(adapter: Adapter): MimeTypedResult = summary(adapter.summary())

    /** A module table as HTML and text. */
    fun summary(summary: AdapterSummary): MimeTypedResult =
        MIME("text/html" to summary.toHtml(), "text/plain" to summary.toText())

    /** A plan as its explanation (expression, rewrites, physical graph, cost estimates). */
    fun plan(plan: Plan): MimeTypedResult = MIME("text/plain" to plan.explain())
}
