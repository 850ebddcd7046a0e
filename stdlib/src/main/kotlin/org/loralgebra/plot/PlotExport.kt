package org.loralgebra.plot

import java.awt.Color
import java.io.ByteArrayOutputStream
import java.io.StringReader
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.util.Base64
import java.util.Locale
import kotlin.math.roundToInt
import org.apache.batik.transcoder.SVGAbstractTranscoder
import org.apache.batik.transcoder.TranscoderException
import org.apache.batik.transcoder.TranscoderInput
import org.apache.batik.transcoder.TranscoderOutput
import org.apache.batik.transcoder.image.PNGTranscoder
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.awt.plot.PlotSvgExport
import org.jetbrains.letsPlot.intern.toSpec
import org.loralgebra.io.files.AtomicWrites

/**
 * Renders Lets-Plot figures without a browser, a display or the network: SVG (Lets-Plot's own static renderer), PNG
 * (that SVG rasterised by Batik) and a self-contained HTML page.
 *
 * Lets-Plot 4.5 serves its interactive JavaScript only from a CDN and ships none of it in its jars, so the HTML page
 * embeds the static SVG: it opens offline and in any viewer, and references nothing outside itself.
 *
 * Outputs are deterministic: the same figure gives byte-identical SVG, PNG and HTML (Lets-Plot's random element ids are
 * renumbered in order of appearance).
 */
object PlotExport {
    /** The file formats [save] writes, by file extension (lower case, without the dot). */
    @JvmField val FORMATS: List<String> = listOf("svg", "png", "html", "htm")

    /** The default PNG scale: 2 device pixels per SVG pixel (sharp on high-density screens). */
    const val DEFAULT_PNG_SCALE: Double = 2.0

    /** The figure as a standalone SVG document (UTF-8 text, starting with `<svg`). */
    @JvmStatic
    fun toSvg(plot: Figure): String {
        val raw = PlotSvgExport.buildSvgImageFromRawSpecs(plot.toSpec(), null, true)
        return SvgIds.renumber(raw)
    }

    /** The figure as PNG bytes: [toSvg] rasterised at `scale` device pixels per SVG pixel on a white background. */
    @JvmStatic
    @JvmOverloads
    fun toPng(plot: Figure, scale: Double = DEFAULT_PNG_SCALE): ByteArray {
        require(scale > 0 && scale.isFinite() && scale <= 16) { "PNG scale must be in (0, 16], got $scale" }
        return svgToPng(toSvg(plot), scale)
    }

    /** An SVG document from [toSvg] as PNG bytes, rasterised at `scale` device pixels per SVG pixel on white. */
    @JvmStatic
    fun svgToPng(svg: String, scale: Double): ByteArray {
        require(scale > 0 && scale.isFinite() && scale <= 16) { "PNG scale must be in (0, 16], got $scale" }
        val size = SvgSize.of(svg)
        val transcoder = PNGTranscoder()
        transcoder.addTranscodingHint(SVGAbstractTranscoder.KEY_WIDTH, (size.width * scale).toFloat())
        transcoder.addTranscodingHint(SVGAbstractTranscoder.KEY_HEIGHT, (size.height * scale).toFloat())
        transcoder.addTranscodingHint(PNGTranscoder.KEY_BACKGROUND_COLOR, Color.WHITE)
        val out = ByteArrayOutputStream()
        try {
            transcoder.transcode(TranscoderInput(StringReader(svg)), TranscoderOutput(out))
        } catch (e: TranscoderException) {
            throw IllegalStateException("Batik could not rasterise the plot's SVG: ${e.message}", e)
        }
        return out.toByteArray()
    }

    /**
     * The figure as a self-contained HTML page (the static SVG inline; no script, no external reference), titled with
     * the plot's title when it has one.
     */
    @JvmStatic
    fun toHtml(plot: Figure): String {
        val title = plotTitle(plot) ?: "Plot"
        return buildString {
            append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            append("<title>").append(Html.escape(title)).append("</title>\n")
            append("</head>\n<body>\n")
            append(toHtmlFragment(plot))
            append("\n</body>\n</html>\n")
        }
    }

    /** The figure as an HTML fragment for a page of ours: a `div` holding the inline SVG. */
    @JvmStatic
    fun toHtmlFragment(plot: Figure): String =
        "<div class=\"loralgebra-plot\">" + stripXmlDeclaration(toSvg(plot)) + "</div>"

    /**
     * An SVG document from [toSvg] as an HTML `<img>` whose source is that SVG as a base64 `data:` URI, sized like the
     * SVG, with `alt` as its text alternative. Unlike inline SVG it survives HTML sanitisers: nbconvert 6.5's HTML
     * export removes every element inside an inline `<svg>`, and an untrusted notebook drops inline SVG altogether.
     */
    @JvmStatic
    fun svgToImgTag(svg: String, alt: String): String {
        val size = SvgSize.of(svg)
        val data = Base64.getEncoder().encodeToString(svg.toByteArray(StandardCharsets.UTF_8))
        return "<img class=\"loralgebra-plot\" width=\"${size.width.roundToInt()}\" " +
            "height=\"${size.height.roundToInt()}\" alt=\"${Html.escape(alt)}\" " +
            "src=\"data:image/svg+xml;base64,$data\">"
    }

    /** The figure's title (`ggtitle`), or null when it has none. */
    @JvmStatic fun title(plot: Figure): String? = plotTitle(plot)

    /**
     * Writes the figure atomically to `path` in the format its extension names (`.svg`, `.png`, `.html`/`.htm`; PNG at
     * [DEFAULT_PNG_SCALE]). Returns `path`.
     *
     * @throws IllegalArgumentException when the extension is none of those
     */
    @JvmStatic
    fun save(plot: Figure, path: Path): Path {
        val bytes =
            when (val ext = extension(path)) {
                "svg" -> toSvg(plot).toByteArray(StandardCharsets.UTF_8)
                "png" -> toPng(plot)
                "html",
                "htm" -> toHtml(plot).toByteArray(StandardCharsets.UTF_8)
                else ->
                    throw IllegalArgumentException(
                        "cannot save a plot to $path: expected a file name ending in .svg, .png, .html or .htm, found " +
                            (if (ext.isEmpty()) "no extension" else ".$ext")
                    )
            }
        AtomicWrites.writeFile(path) { tmp -> Files.write(tmp, bytes) }
        return path
    }

    private fun extension(path: Path): String {
        val name = path.fileName?.toString() ?: ""
        val dot = name.lastIndexOf('.')
        return if (dot < 0) "" else name.substring(dot + 1).lowercase(Locale.ROOT)
    }

    private fun stripXmlDeclaration(svg: String): String =
        if (svg.startsWith("<?xml")) svg.substring(svg.indexOf("?>") + 2).trimStart() else svg

    private fun plotTitle(plot: Figure): String? {
        val ggtitle = plot.toSpec()["ggtitle"] as? Map<*, *>
        return ggtitle?.get("text") as? String
    }
}
