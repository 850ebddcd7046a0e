package org.loralgebra.plot

import java.io.ByteArrayInputStream
import java.nio.file.Files
import java.nio.file.Path
import javax.imageio.ImageIO
import javax.xml.parsers.DocumentBuilderFactory
import org.jetbrains.letsPlot.Figure
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.w3c.dom.Element

/**
 * What every analysis plot test checks on the rendered output, and where the tests leave one PNG per plot kind for
 * people to look at: `stdlib/target/plots/`.
 */
internal object PlotChecks {
    /** The folder the plot tests write their PNGs to (under the module's build directory). */
    val folder: Path by lazy {
        val target = Path.of("target").toAbsolutePath()
        Files.createDirectories(target.resolve("plots"))
    }

    fun svg(plot: Figure): Element {
        val factory = DocumentBuilderFactory.newInstance()
        factory.isNamespaceAware = true
        return factory
            .newDocumentBuilder()
            .parse(ByteArrayInputStream(PlotExport.toSvg(plot).toByteArray()))
            .documentElement
    }

    fun elements(root: Element, tag: String): List<Element> {
        val nodes = root.getElementsByTagNameNS("*", tag)
        return (0 until nodes.length).map { nodes.item(it) as Element }
    }

    /** The text of every `<text>` whose class is `cls`. */
    fun texts(root: Element, cls: String): List<String> =
        elements(root, "text").filter { it.getAttribute("class") == cls }.map { it.textContent.trim() }

    /** Every text in the document. */
    fun allTexts(root: Element): List<String> = elements(root, "text").map { it.textContent.trim() }

    /** Polylines drawn for data: `<path>`s that are not closed shapes (backgrounds and borders are). */
    fun lines(root: Element): List<Element> = elements(root, "path").filter { !it.getAttribute("d").contains("Z") }

    /** Tiles of a heatmap: visible rectangles filled with a scale colour (`#rrggbb`). */
    fun tiles(root: Element): List<Element> =
        elements(root, "rect").filter {
            it.getAttribute("fill").startsWith("#") && it.getAttribute("fill-opacity").toDoubleOrNull() != 0.0
        }

    /** Bars: filled rectangles outlined in white, other than the legend's keys (drawn at their group's origin). */
    fun bars(root: Element): List<Element> =
        elements(root, "rect").filter {
            it.getAttribute("stroke") == "rgb(255,255,255)" &&
                it.getAttribute("fill").isNotEmpty() &&
                !(it.getAttribute("x") == "0.0" && it.getAttribute("y") == "0.0")
        }

    /** The distinct vertices of a path made of M/L commands. */
    fun vertices(path: Element): List<Pair<Double, Double>> =
        Regex("[ML]\\s*(-?[0-9.]+)[ ,](-?[0-9.]+)")
            .findAll(path.getAttribute("d"))
            .map { it.groupValues[1].toDouble() to it.groupValues[2].toDouble() }
            .toList()
            .distinct()

    /** The title, subtitle and axis titles are there as given. */
    fun assertLabels(root: Element, title: String, x: String, y: String) {
        assertEquals(listOf(title), texts(root, "plot-title"), "title")
        assertEquals(listOf(x), texts(root, "axis-title-x"), "x axis title")
        assertEquals(listOf(y), texts(root, "axis-title-y"), "y axis title")
    }

    /** Renders the PNG, checks it decodes, is not blank, and writes it to [folder] as `name.png`. */
    fun writePng(plot: Figure, name: String): Path {
        val bytes = PlotExport.toPng(plot, 1.0)
        val image = ImageIO.read(ByteArrayInputStream(bytes))
        assertTrue(image.width > 300 && image.height > 200, "PNG ${image.width}x${image.height}")
        var sum = 0.0
        var sumSq = 0.0
        val colours = HashSet<Int>()
        for (y in 0 until image.height step 2) {
            for (x in 0 until image.width step 2) {
                val rgb = image.getRGB(x, y) and 0xffffff
                colours += rgb
                val grey = (((rgb shr 16) and 0xff) + ((rgb shr 8) and 0xff) + (rgb and 0xff)) / 3.0
                sum += grey
                sumSq += grey * grey
            }
        }
        val n = ((image.width + 1) / 2) * ((image.height + 1) / 2)
        val variance = sumSq / n - (sum / n) * (sum / n)
        assertTrue(variance > 50.0, "pixel variance $variance: the PNG is (nearly) blank")
        assertTrue(colours.size > 20, "only ${colours.size} colours: the PNG is (nearly) blank")
        val path = folder.resolve("$name.png")
        Files.write(path, bytes)
        return path
    }
}
