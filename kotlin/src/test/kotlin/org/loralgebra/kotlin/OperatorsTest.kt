package org.loralgebra.kotlin

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.loralgebra.Adapter
import org.loralgebra.Dense
import org.loralgebra.Lora
import org.loralgebra.TestAdapters
import org.loralgebra.lang.Precision

/**
 * The Kotlin operators: the scalar-on-the-left forms build the same expression as Adapter's own `times`, and every
 * operator's dense update matches the independent dense arithmetic on the factors.
 */
class OperatorsTest {
    private val sa = TestAdapters.random("a", 11, TestAdapters.shapes(3))
    private val sb = TestAdapters.random("b", 12, TestAdapters.shapes(2))
    private val a: Adapter = Lora.from(sa)
    private val b: Adapter = Lora.from(sb)

    private fun assertDense(expected: (String) -> Dense.M, actual: Adapter) {
        for (module in sa.type().modules().keys) {
            val err = Dense.relError(Dense.M.of(actual.dense(module)), expected(module))
            assertTrue(err < 1e-5, "$module: relative error $err")
        }
    }

    @Test
    fun scalarOnTheLeftIsTheSameExpressionAsOnTheRight() {
        assertEquals(a * 0.5, 0.5 * a)
        assertEquals(a * 2.0, 2 * a)
        assertEquals(a * 2.0, a * 2)
        assertEquals(a * 0.25, 0.25f * a)
        assertEquals(a * 0.25, a * 0.25f)
        assertEquals(a / 2.0, a / 2, "a / 2 is a / 2.0")
        assertEquals(a / 4.0, a / 4f)
    }

    @Test
    fun aWeightedSumIsOneNodeWithTheSameUpdateAsTheOperators() {
        val weighted = sum(0.3 to a, 0.7 to b)
        assertEquals(Lora.sum(doubleArrayOf(0.3, 0.7), a, b), weighted, "the same expression as Lora.sum")
        val da = { m: String -> TestAdapters.dense(sa, m) }
        val db = { m: String -> TestAdapters.dense(sb, m) }
        assertDense({ Dense.add(Dense.scale(da(it), 0.3), Dense.scale(db(it), 0.7), 1.0) }, weighted)
        assertDense({ Dense.add(Dense.scale(da(it), 2.0), db(it), -1.0) }, sum(2 to a, -1 to b))
    }

    @Test
    fun optionsChangeForOneBlockOnly() {
        val before = Lora.options()
        val inside = withOptions(precision = Precision.F64) { Lora.options().precision() to a.spectrum().values() }
        assertEquals(Precision.F64, inside.first)
        assertEquals(before, Lora.options(), "the session's options are untouched")
        for ((module, s) in inside.second) {
            val f32 = a.spectrum().values().getValue(module)
            val err = kotlin.math.abs(s[0] - f32[0]) / s[0]
            assertTrue(err < 1e-5, "$module: σ₁ in F64 ${s[0]} vs F32 ${f32[0]}, relative difference $err")
        }
    }

    @Test
    fun operatorsComputeTheirDenseUpdates() {
        val da = { m: String -> TestAdapters.dense(sa, m) }
        val db = { m: String -> TestAdapters.dense(sb, m) }
        assertDense({ Dense.add(da(it), db(it), 1.0) }, a + b)
        assertDense({ Dense.add(da(it), db(it), -1.0) }, a - b)
        assertDense({ Dense.scale(da(it), -1.0) }, -a)
        assertDense({ Dense.scale(da(it), 0.5) }, 0.5 * a)
        assertDense({ Dense.scale(da(it), 3.0) }, a * 3)
        assertDense({ Dense.add(Dense.scale(da(it), 0.3), Dense.scale(db(it), 0.7), 1.0) }, 0.3 * a + 0.7 * b)
    }
}
