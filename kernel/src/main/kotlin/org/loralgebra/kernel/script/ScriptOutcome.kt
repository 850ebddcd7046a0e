package org.loralgebra.kernel.script

/** How running a script ended. */
sealed class ScriptOutcome {
    /** The script ran to its end. */
    object Completed : ScriptOutcome() {
        override fun toString(): String = "Completed"
    }

    /** The script did not compile; [errors] are `FILE:LINE:COL: error: message` lines. */
    data class CompileErrors(val errors: List<String>) : ScriptOutcome()

    /** The script threw [error]; [report] is the `FILE:LINE: error: message` report printed for it. */
    data class Failed(val error: Throwable, val report: String) : ScriptOutcome()
}
