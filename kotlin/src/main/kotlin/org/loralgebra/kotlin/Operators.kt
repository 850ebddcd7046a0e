@file:JvmName("Operators")

package org.loralgebra.kotlin

import org.loralgebra.Adapter

/*
 * Kotlin operators on adapters. Adapter's Java methods plus, minus, times(Double), div(Double),
 * unaryMinus and unaryPlus already are Kotlin operators (a + b, a - b, a * 0.5, a / 2.0, -a, +a);
 * the scalar-on-the-left forms below delegate to them.
 */

/** `0.5 * a`: the adapter scaled by this factor (ΔW ↦ factor·ΔW), the same expression as `a * 0.5`. */
operator fun Double.times(adapter: Adapter): Adapter = adapter.times(this)

/** `2 * a`: the adapter scaled by this factor, the same expression as `a * 2.0`. */
operator fun Int.times(adapter: Adapter): Adapter = adapter.times(this.toDouble())

/** `0.5f * a`: the adapter scaled by this factor, the same expression as `a * 0.5`. */
operator fun Float.times(adapter: Adapter): Adapter = adapter.times(this.toDouble())

/** `a * 2`: the adapter scaled by an integer factor (Adapter.times takes a Double). */
operator fun Adapter.times(factor: Int): Adapter = this.times(factor.toDouble())
