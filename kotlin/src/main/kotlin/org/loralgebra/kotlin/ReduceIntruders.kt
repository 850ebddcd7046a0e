@file:JvmName("ReduceIntrudersDsl")

package org.loralgebra.kotlin

import java.nio.file.Path
import org.loralgebra.Adapter
import org.loralgebra.stdlib.analysis.IntruderOptions
import org.loralgebra.stdlib.analysis.ReduceIntruders

/*
 * Kotlin builder over org.loralgebra.stdlib.analysis.ReduceIntruders (thin: it delegates to the Java API).
 *
 *   val r = reduceIntruders("models/base", adapter) { lambda = 0.5 }
 *   println(r.save(Path.of("out/reduced")))   // writes the adapter, returns the per-module report
 */

/** Settings of [reduceIntruders]; the defaults are PEFT's (k = 10, ε = 0.5, λ = 0.75). */
@LoraDsl
class ReduceIntrudersBuilder internal constructor() {
    /** Top singular vectors of W + ΔW examined. */
    var topK: Int = IntruderOptions.DEFAULT_TOP_K

    /** Intruder when the best |cosine| with W's left singular vectors is below this. */
    var epsilon: Double = IntruderOptions.DEFAULT_EPSILON

    /** Share of each intruder direction kept (0 removes it). */
    var lambda: Double = ReduceIntruders.DEFAULT_LAMBDA
}

/**
 * Intruder-dimension reduction of [adapter] against the base model at [base] (see [ReduceIntruders]): `.adapter()` (the
 * reduced adapter, lazy), `.report()`, `.save(path)` (writes it and returns the report).
 */
fun reduceIntruders(
    base: Path,
    adapter: Adapter,
    settings: ReduceIntrudersBuilder.() -> Unit = {},
): ReduceIntruders {
    val s = ReduceIntrudersBuilder().apply(settings)
    return ReduceIntruders.of(base, adapter).topK(s.topK).epsilon(s.epsilon).lambda(s.lambda)
}

/** [reduceIntruders] with the base model's path as a string. */
fun reduceIntruders(
    base: String,
    adapter: Adapter,
    settings: ReduceIntrudersBuilder.() -> Unit = {},
): ReduceIntruders = reduceIntruders(Path.of(base), adapter, settings)
