package org.loralgebra.kernel.jupyter

import java.util.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.loralgebra.Lora
import org.loralgebra.TestAdapters
import org.loralgebra.stdlib.analysis.SpectrumStats

class ValueTablesTest {
    private val adapter = Lora.from(TestAdapters.random("tiny", 5, TestAdapters.shapes(3)))

    @Test
    fun aSpectrumIsOneRowPerModuleWithItsSingularValues() {
        val values = adapter.spectrum().values()
        val table = ValueTables.spectrum("tiny", adapter.spectrum())
        assertEquals(listOf("module", "σ₁", "σ₂", "σ₃"), table.header)
        assertEquals(values.keys.toList(), table.rows.map { it[0] })
        for (row in table.rows) {
            val sigma = values.getValue(row[0])
            for (i in sigma.indices) {
                val shown = row[i + 1].toDouble()
                assertTrue(
                    Math.abs(shown - sigma[i]) <= 5e-4 * sigma[i],
                    "σ${i + 1} of ${row[0]}: shown $shown, is ${sigma[i]}",
                )
            }
        }
        val text = NotebookRenders.table(table).toMap()
        assertFalse(text.values.any { Regex("\\[[DF]@").containsMatchIn(it.toString()) }, text.toString())
    }

    @Test
    fun mapsOfArraysAreTablesOtherMapsAreNot() {
        assertTrue(ValueTables.isArrayMap(mapOf("a" to doubleArrayOf(1.0), "b" to floatArrayOf(2f, 3f))))
        assertFalse(ValueTables.isArrayMap(mapOf("a" to 1.0)))
        assertFalse(ValueTables.isArrayMap(emptyMap<String, DoubleArray>()))
        val table = ValueTables.arrays("c", "key", "v", mapOf("a" to doubleArrayOf(1.0), "b" to intArrayOf(2, 3)))
        assertEquals(listOf(listOf("a", "1.000", ""), listOf("b", "2", "3")), table.rows)
    }

    @Test
    fun spectrumStatisticsAreATableOfItsMeasures() {
        val stats = SpectrumStats.of(adapter)
        val table = ValueTables.spectrumStats(stats)
        assertEquals(stats.modules().map { it.module() }, table.rows.map { it[0] })
        for ((row, m) in table.rows.zip(stats.modules())) {
            assertEquals(String.format(Locale.ROOT, "%.4g", m.stableRank()), row[5], "stable rank of ${m.module()}")
            assertEquals(m.energyRank(0.9).toString(), row[4], "energy rank of ${m.module()}")
        }
        assertTrue(table.toText().startsWith("Spectrum statistics of tiny"), table.toText())
    }

    @Test
    fun textIsAlignedAndHtmlEscaped() {
        val table =
            NotebookTable("a <b>", listOf("name", "x"), listOf(listOf("long name", "1.5"), listOf("n", "10.25")))
        assertEquals("a <b>\n  name           x\n  long name    1.5\n  n          10.25", table.toText())
        val html = table.toHtml()
        assertTrue(
            html.contains("<b>a &lt;b&gt;</b>") && html.contains("<td style=\"text-align:right\">10.25</td>"),
            html,
        )
        val e = assertThrows<IllegalArgumentException> { NotebookTable("c", listOf("a", "b"), listOf(listOf("1"))) }
        assertTrue(e.message!!.contains("row 0 has 1 cells, expected 2"), e.message)
    }
}
