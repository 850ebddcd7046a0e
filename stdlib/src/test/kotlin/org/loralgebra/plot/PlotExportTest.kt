package org.loralgebra.plot

import java.io.ByteArrayInputStream
import java.nio.file.Files
import java.nio.file.Path
import javax.imageio.ImageIO
import javax.xml.parsers.DocumentBuilderFactory
import kotlin.math.abs
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.geom.geomLine
import org.jetbrains.letsPlot.label.ggtitle
import org.jetbrains.letsPlot.label.xlab
import org.jetbrains.letsPlot.label.ylab
import org.jetbrains.letsPlot.letsPlot
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import org.w3c.dom.Element

class PlotExportTest {
    /** Two series: a = (1, 3), (2, 1); b = (3, 4), (4, 1.5). */
    private fun figure(): Figure {
        val data =
            mapOf(
                "x" to listOf(1, 2, 3, 4),
                "y" to listOf(3.0, 1.0, 4.0, 1.5),
                "series" to listOf("a", "a", "b", "b"),
            )
        return letsPlot(data) +
            geomLine {
                x = "x"
                y = "y"
                color = "series"
            } +
            ggtitle("Spectrum of q_lin") +
            xlab("index i") +
            ylab("singular value")
    }

    private fun parse(xml: String): Element {
        val factory = DocumentBuilderFactory.newInstance()
        factory.isNamespaceAware = true
        return factory.newDocumentBuilder().parse(ByteArrayInputStream(xml.toByteArray())).documentElement
    }

    private fun elements(root: Element, tag: String): List<Element> {
        val nodes = root.getElementsByTagNameNS("*", tag)
        return (0 until nodes.length).map { nodes.item(it) as Element }
    }

    private fun textsOfClass(root: Element, cls: String): List<String> =
        elements(root, "text").filter { it.getAttribute("class") == cls }.map { it.textContent.trim() }

    @Test
    fun svgHoldsTitleAxisLabelsAndLegend() {
        val svg = parse(PlotExport.toSvg(figure()))
        assertEquals("svg", svg.localName)
        assertEquals(listOf("Spectrum of q_lin"), textsOfClass(svg, "plot-title"))
        assertEquals(listOf("index i"), textsOfClass(svg, "axis-title-x"))
        assertEquals(listOf("singular value"), textsOfClass(svg, "axis-title-y"))
        assertEquals(listOf("a", "b"), textsOfClass(svg, "legend-item"))
    }

    /** Each series is a stroked path whose vertices are one affine image of the data points. */
    @Test
    fun svgDrawsEachSeriesAtItsDataPoints() {
        val svg = parse(PlotExport.toSvg(figure()))
        val lines = elements(svg, "path").filter { it.getAttribute("fill") == "none" && it.hasAttribute("stroke") }
        assertEquals(2, lines.size, "one line per series")
        assertTrue(lines[0].getAttribute("stroke") != lines[1].getAttribute("stroke"), "series have distinct colours")
        val pixels = lines.flatMap { vertices(it.getAttribute("d")) }
        val data = listOf(1.0 to 3.0, 2.0 to 1.0, 3.0 to 4.0, 4.0 to 1.5)
        assertEquals(data.size, pixels.size)
        val sx = (pixels[1].first - pixels[0].first) / (data[1].first - data[0].first)
        val sy = (pixels[1].second - pixels[0].second) / (data[1].second - data[0].second)
        assertTrue(sx > 0, "x grows to the right: $sx pixels per unit")
        assertTrue(sy < 0, "y grows upwards: $sy pixels per unit")
        for (i in data.indices) {
            assertEquals(pixels[0].first + sx * (data[i].first - data[0].first), pixels[i].first, 1e-6)
            assertEquals(pixels[0].second + sy * (data[i].second - data[0].second), pixels[i].second, 1e-6)
        }
    }

    /** Distinct vertices of an SVG path made of M/L commands. */
    private fun vertices(d: String): List<Pair<Double, Double>> =
        Regex("[ML]\\s*(-?[0-9.]+)[ ,](-?[0-9.]+)")
            .findAll(d)
            .map { it.groupValues[1].toDouble() to it.groupValues[2].toDouble() }
            .toList()
            .distinct()

    @Test
    fun sameFigureGivesSameBytes() {
        val svg = PlotExport.toSvg(figure())
        assertEquals(svg, PlotExport.toSvg(figure()))
        assertTrue(Regex("id=\"lp[0-9a-f]{8}-0\"").containsMatchIn(svg), "ids renumbered")
        assertArrayEquals(PlotExport.toPng(figure(), 1.0), PlotExport.toPng(figure(), 1.0))
        assertEquals(PlotExport.toHtml(figure()), PlotExport.toHtml(figure()))
    }

    @Test
    fun differentFiguresGetDifferentIds() {
        val other =
            letsPlot(mapOf("x" to listOf(1, 2), "y" to listOf(1, 2))) +
                geomLine {
                    x = "x"
                    y = "y"
                }
        val ids = { svg: String -> Regex("id=\"([^\"]+)\"").findAll(svg).map { it.groupValues[1] }.toSet() }
        assertTrue(ids(PlotExport.toSvg(figure())).intersect(ids(PlotExport.toSvg(other))).isEmpty())
    }

    @Test
    fun pngDecodesAtTheRequestedScaleAndIsNotBlank() {
        val image = ImageIO.read(ByteArrayInputStream(PlotExport.toPng(figure(), 1.5)))
        assertEquals(900, image.width)
        assertEquals(600, image.height)
        var sum = 0.0
        var sumSq = 0.0
        var reddish = 0
        for (y in 0 until image.height) {
            for (x in 0 until image.width) {
                val rgb = image.getRGB(x, y)
                val r = (rgb shr 16) and 0xff
                val g = (rgb shr 8) and 0xff
                val b = rgb and 0xff
                val grey = (r + g + b) / 3.0
                sum += grey
                sumSq += grey * grey
                // Lets-Plot's first discrete colour, rgb(228,26,28): series "a" is drawn.
                if (abs(r - 228) < 30 && g < 80 && b < 80) reddish++
            }
        }
        val n = image.width * image.height
        val variance = sumSq / n - (sum / n) * (sum / n)
        assertTrue(variance > 100.0, "pixel variance $variance: the image is (nearly) blank")
        assertTrue(reddish > 50, "only $reddish pixels of series a's colour")
    }

    @Test
    fun htmlIsSelfContained() {
        val html = PlotExport.toHtml(figure())
        assertTrue(html.startsWith("<!DOCTYPE html>"))
        assertTrue(html.contains("<title>Spectrum of q_lin</title>"))
        assertTrue(html.contains("<svg"))
        assertFalse(Regex("<script\\b[^>]*\\bsrc\\s*=\\s*[\"']?https?:", RegexOption.IGNORE_CASE).containsMatchIn(html))
        assertFalse(
            Regex("\\b(src|href)\\s*=\\s*[\"']?(https?:)?//", RegexOption.IGNORE_CASE).containsMatchIn(html),
            "no remote resource",
        )
        assertFalse(html.contains("<?xml"), "no XML declaration inside HTML")
    }

    @Test
    fun saveWritesTheFormatItsExtensionNames(@TempDir dir: Path) {
        val svg = PlotExport.save(figure(), dir.resolve("plot.svg"))
        assertTrue(Files.readString(svg).startsWith("<svg"))
        val png = PlotExport.save(figure(), dir.resolve("plot.PNG"))
        val magic = Files.readAllBytes(png).copyOfRange(0, 4)
        assertArrayEquals(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()), magic)
        val html = PlotExport.save(figure(), dir.resolve("plot.html"))
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"))
        assertEquals(
            setOf("plot.svg", "plot.PNG", "plot.html"),
            Files.list(dir).use { s -> s.map { it.fileName.toString() }.toList().toSet() },
            "no temporary files left",
        )
    }

    @Test
    fun saveRejectsAnUnknownExtensionNamingThePath(@TempDir dir: Path) {
        val target = dir.resolve("plot.jpg")
        val e = assertThrows<IllegalArgumentException> { PlotExport.save(figure(), target) }
        assertTrue(e.message!!.contains(target.toString()), e.message)
        assertTrue(e.message!!.contains(".svg, .png, .html"), e.message)
        assertTrue(e.message!!.contains("found .jpg"), e.message)
        assertFalse(Files.exists(target))
    }
}
