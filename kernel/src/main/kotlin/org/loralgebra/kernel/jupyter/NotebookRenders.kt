package org.loralgebra.kernel.jupyter

import java.util.Base64
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
     * A Lets-Plot figure as a bundle that shows wherever the notebook goes, with no JavaScript: `text/html` an `<img>`
     * of the SVG as a `data:` URI (what nbconvert's HTML export and an untrusted notebook show: both drop inline SVG),
     * `image/svg+xml` the SVG itself (front ends that prefer it, the build's expectations), `image/png` the same figure
     * rasterised at 1:1 (viewers that show neither), and `text/plain` naming the figure. Lets-Plot 4.5's interactive
     * HTML loads its JavaScript from a CDN, so it is not used.
     */
    fun figure(figure: Figure): MimeTypedResult {
        val svg = PlotExport.toSvg(figure)
        val title = PlotExport.title(figure)
        val text = if (title == null) "Lets-Plot figure" else "Lets-Plot figure: $title"
        return MIME(
            "text/html" to PlotExport.svgToImgTag(svg, title ?: "Lets-Plot figure"),
            "image/svg+xml" to svg,
            "image/png" to Base64.getEncoder().encodeToString(PlotExport.svgToPng(svg, 1.0)),
            "text/plain" to text,
        )
    }

    /** An adapter as its module table (modules, shapes, ranks, scales, dtypes): HTML and text. */
    fun adapter(adapter: Adapter): MimeTypedResult = summary(adapter.summary())

    /** A module table as HTML and text. */
    fun summary(summary: AdapterSummary): MimeTypedResult =
        MIME("text/html" to summary.toHtml(), "text/plain" to summary.toText())

    /** A table as HTML and aligned text. */
    fun table(table: NotebookTable): MimeTypedResult =
        MIME("text/html" to table.toHtml(), "text/plain" to table.toText())

    /** A plan as its explanation (expression, rewrites, physical graph, cost estimates). */
    fun plan(plan: Plan): MimeTypedResult = MIME("text/plain" to plan.explain())
}
