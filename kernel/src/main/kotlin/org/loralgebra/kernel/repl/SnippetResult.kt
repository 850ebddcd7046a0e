package org.loralgebra.kernel.repl

/** What evaluating one REPL input gave. */
sealed class SnippetResult {
    /** The input is a value: `name: Type = text`. */
    data class Value(val name: String, val type: String, val value: Any?) : SnippetResult()

    /** The input ran and has no value (a declaration, a statement, a Unit expression). */
    object NoValue : SnippetResult() {
        override fun toString(): String = "NoValue"
    }

    /** The input is not complete Kotlin yet (an open bracket or string): more lines are needed. */
    object Incomplete : SnippetResult() {
        override fun toString(): String = "Incomplete"
    }

    /** The input was interrupted (Ctrl-C) before it ended; the session holds what it held before. */
    object Interrupted : SnippetResult() {
        override fun toString(): String = "Interrupted"
    }

    /** The input did not compile; [errors] are `input:LINE:COL: error: message` lines. */
    data class CompileErrors(val errors: List<String>) : SnippetResult()

    /** The input threw; [report] is `input:LINE: error: message`. */
    data class Failed(val error: Throwable, val report: String) : SnippetResult()
}
