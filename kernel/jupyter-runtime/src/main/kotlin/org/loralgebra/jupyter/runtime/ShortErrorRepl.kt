package org.loralgebra.jupyter.runtime

import org.jetbrains.kotlinx.jupyter.EvalRequestData
import org.jetbrains.kotlinx.jupyter.ReplForJupyter
import org.jetbrains.kotlinx.jupyter.exceptions.ReplEvalRuntimeException
import org.jetbrains.kotlinx.jupyter.repl.EvalResultEx

/** The kernel's REPL, with a cell that fails with a LoRAlgebra error reported as a [LoraCellError]. */
class ShortErrorRepl(private val repl: ReplForJupyter) : ReplForJupyter by repl {
    override fun evalEx(evalData: EvalRequestData): EvalResultEx {
        try {
            return repl.evalEx(evalData)
        } catch (e: ReplEvalRuntimeException) {
            val cause = e.cause
            if (cause != null && LoraCellError.isLoraError(cause)) {
                throw LoraCellError.of(cause)
            }
            throw e
        }
    }
}
