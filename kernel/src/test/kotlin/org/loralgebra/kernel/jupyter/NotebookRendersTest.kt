package org.loralgebra.kernel.jupyter

import java.io.ByteArrayInputStream
import java.io.File
import java.util.Base64
import javax.imageio.ImageIO
import org.jetbrains.letsPlot.geom.geomPoint
import org.jetbrains.letsPlot.label.ggtitle
import org.jetbrains.letsPlot.letsPlot
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.TestAdapters
import org.loralgebra.plot.PlotExport

class NotebookRendersTest {
    @Test
    fun aFigureIsABundleOfImgSvgAndPng() {
        val figure =
            letsPlot(mapOf("x" to listOf(1, 2), "y" to listOf(3, 4))) +
                geomPoint {
                    x = "x"
                    y = "y"
                } +
                ggtitle("Points")
        val bundle = NotebookRenders.figure(figure)
        assertEquals(setOf("text/html", "image/svg+xml", "image/png", "text/plain"), bundle.keys)
        val svg = PlotExport.toSvg(figure)
        assertEquals(svg, bundle["image/svg+xml"])
        assertEquals("Lets-Plot figure: Points", bundle["text/plain"])
        // text/html: an <img> whose data: URI decodes to the very SVG, sized like it
        val img =
            Regex("^<img [^>]*src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\">$").find(bundle["text/html"]!!)
        assertTrue(img != null, bundle["text/html"]!!.take(200))
        assertEquals(svg, String(Base64.getDecoder().decode(img!!.groupValues[1]), Charsets.UTF_8))
        assertTrue(bundle["text/html"]!!.contains("alt=\"Points\""), bundle["text/html"]!!.take(200))
        // image/png: a 1:1 raster of the same size as the SVG, not blank
        val png = ImageIO.read(ByteArrayInputStream(Base64.getDecoder().decode(bundle["image/png"]!!)))
        val width = Regex("<svg\\b[^>]*\\swidth=\"([0-9.]+)").find(svg)!!.groupValues[1].toDouble()
        assertEquals(Math.round(width).toInt(), png.width, "PNG width against the SVG's")
        var inked = 0
        for (y in 0 until png.height) for (x in 0 until png.width) if ((png.getRGB(x, y) and 0xFFFFFF) != 0xFFFFFF)
            inked++
        assertTrue(inked > png.width * png.height / 200, "PNG has $inked non-white pixels of ${png.width * png.height}")
    }

    @Test
    fun anAdapterIsItsModuleTable() {
        val adapter = Lora.from(TestAdapters.random("tiny", 3, TestAdapters.shapes(2)))
        val bundle = NotebookRenders.adapter(adapter)
        assertEquals(adapter.summary().toHtml(), bundle["text/html"])
        assertEquals(adapter.summary().toText(), bundle["text/plain"])
        assertTrue(bundle["text/html"]!!.contains("<td>layers.1.mlp</td>"))
    }

    @Test
    fun aPlanIsItsExplanation() {
        val adapter = Lora.from(TestAdapters.random("tiny", 3, TestAdapters.shapes(2)))
        val plan = (adapter * 0.5).plan()
        assertEquals(mapOf("text/plain" to plan.explain()), NotebookRenders.plan(plan).toMap())
    }

    @Test
    fun theIntegrationIsRegisteredForTheKernelsClasspathScan() {
        val json = File("src/main/resources/META-INF/kotlin-jupyter-libraries/libraries.json").readText().trim()
        assertEquals("""{"definitions":[],"producers":[{"fqn":"${LoraIntegration::class.java.name}"}]}""", json)
    }
}
