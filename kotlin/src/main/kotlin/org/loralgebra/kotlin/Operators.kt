@file:JvmName("Operators")

package org.loralgebra.kotlin

import org.loralgebra.Adapter
import org.loralgebra.Lora

/*
 * Kotlin operators on adapters. Adapter's Java methods plus, minus, times(Double), div(Double),
 * unaryMinus and unaryPlus already are Kotlin operators (a + b, a - b, a * 0.5, a / 2.0, -a, +a);
 * the forms below add the other number types on either side of * and on the right of /, and weighted sums.
 */

/** `0.5 * a`: the adapter scaled by this factor (ΔW ↦ factor·ΔW), the same expression as `a * 0.5`. */
operator fun Double.times(adapter: Adapter): Adapter = adapter.times(this)

/** `2 * a`: the adapter scaled by this factor, the same expression as `a * 2.0`. */
operator fun Int.times(adapter: Adapter): Adapter = adapter.times(this.toDouble())

/** `0.5f * a`: the adapter scaled by this factor, the same expression as `a * 0.5`. */
operator fun Float.times(adapter: Adapter): Adapter = adapter.times(this.toDouble())

/** `a * 2`: the adapter scaled by an integer factor (Adapter.times takes a Double). */
operator fun Adapter.times(factor: Int): Adapter = this.times(factor.toDouble())

/** `a * 0.5f`: the adapter scaled by this factor. */
operator fun Adapter.times(factor: Float): Adapter = this.times(factor.toDouble())

/** `a / 2`: the adapter divided by an integer (ΔW ↦ ΔW / divisor). */
operator fun Adapter.div(divisor: Int): Adapter = this.div(divisor.toDouble())

/** `a / 2f`: the adapter divided by this number. */
operator fun Adapter.div(divisor: Float): Adapter = this.div(divisor.toDouble())

/**
 * The weighted sum Σ wᵢ·aᵢ, factored as one rank concatenation (see [Lora.sum]): `sum(0.6 to imdb, 0.4 to emotion)` is
 * `0.6 * imdb + 0.4 * emotion`, built in one node.
 */
fun sum(vararg terms: Pair<Number, Adapter>): Adapter =
    Lora.sum(terms.map { it.first.toDouble() }.toDoubleArray(), *terms.map { it.second }.toTypedArray())
