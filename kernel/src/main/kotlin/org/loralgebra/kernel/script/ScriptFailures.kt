package org.loralgebra.kernel.script

import org.loralgebra.lang.LoraException

/** Reports of exceptions thrown by scripts and snippets. */
internal object ScriptFailures {
    /**
     * `FILE:LINE: error: message`: LINE is the innermost frame of [error]'s stack in [file] (absent when none is). The
     * message is the exception's own for LoRAlgebra's errors (they name file, module and tensor), else its class and
     * message; causes follow as `caused by:` clauses.
     */
    fun report(file: String, error: Throwable): String {
        val name = file.substringAfterLast('/')
        val line = error.stackTrace.firstOrNull { it.fileName == name }?.lineNumber
        val where = if (line != null && line > 0) "$file:$line" else file
        val sb = StringBuilder("$where: error: ").append(describe(error))
        var cause = error.cause
        val seen = HashSet<Throwable>()
        while (cause != null && seen.add(cause)) {
            sb.append("\n  caused by: ").append(describe(cause))
            cause = cause.cause
        }
        return sb.toString()
    }

    private fun describe(e: Throwable): String =
        when {
            e is LoraException && e.message != null -> e.message!!
            e.message.isNullOrBlank() -> e.javaClass.name
            else -> "${e.javaClass.name}: ${e.message}"
        }
}
