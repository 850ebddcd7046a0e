package org.loralgebra.kernel.jupyter

import java.io.File
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
    fun aFigureIsItsStaticSvg() {
        val figure =
            letsPlot(mapOf("x" to listOf(1, 2), "y" to listOf(3, 4))) +
                geomPoint {
                    x = "x"
                    y = "y"
                } +
                ggtitle("Points")
        val bundle = NotebookRenders.figure(figure)
        assertEquals(setOf("image/svg+xml", "text/plain"), bundle.keys)
        assertEquals(PlotExport.toSvg(figure), bundle["image/svg+xml"])
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
