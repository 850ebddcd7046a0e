@file:JvmName("Options")

package org.loralgebra.kotlin

import java.util.function.Supplier
import org.loralgebra.Lora
import org.loralgebra.exec.ExecutionOptions
import org.loralgebra.lang.Precision

/*
 * Execution options for one block of code, leaving the session's (Lora.configure) as they are:
 *
 *   val exact = withOptions(precision = Precision.F64) { merged.spectrum().values() }
 */

/** Runs [body] under [options] on this thread ([Lora.withOptions]). */
fun <T> withOptions(options: ExecutionOptions, body: () -> T): T = Lora.withOptions(options, Supplier { body() })

/**
 * Runs [body] with the options in force changed where given: the backend (`cpu`, `cuda`), the precision, the number of
 * module threads.
 */
fun <T> withOptions(backend: String? = null, precision: Precision? = null, parallelism: Int? = null, body: () -> T): T {
    var o = Lora.options()
    backend?.let { o = o.withBackend(it) }
    precision?.let { o = o.withPrecision(it) }
    parallelism?.let { o = o.withParallelism(it) }
    return withOptions(o, body)
}
