package org.loralgebra.jupyter.runtime

import org.jetbrains.kotlinx.jupyter.exceptions.ReplException

/**
 * A cell that failed with a LoRAlgebra error (`org.loralgebra.lang.LoraException` or a subclass:
 * `AdapterFormatException`, `AdapterTypeException`), as the kernel reports it: the error's type and message (file,
 * module, expected, found, hint), then the messages of its causes, and no stack trace. The cell still fails: the kernel
 * answers `execute_reply` with status `error`, this class's name as `ename`, the message as `evalue` and an empty
 * traceback, so nbconvert stops; the text reaches the notebook on stderr.
 *
 * Kernel 0.11 would print the error's whole stack trace (≈ 35 lines of reflection, script and kernel frames) and answer
 * with the kernel's own frames as the traceback.
 */
class LoraCellError private constructor(private val text: String, error: Throwable) : ReplException(text, null) {
    init {
        stackTrace = arrayOf()
        addSuppressed(error)
    }

    /** The text the kernel writes to the cell's stderr. */
    override fun render(): String = text

    companion object {
        /** Names of the error types whose report is their message. */
        private val LORA_ERRORS = setOf("org.loralgebra.lang.LoraException")

        /** Whether [error] is a LoRAlgebra error (by class name: core is not on the kernel's own class path). */
        fun isLoraError(error: Throwable): Boolean {
            var type: Class<*>? = error.javaClass
            while (type != null) {
                if (type.name in LORA_ERRORS) return true
                type = type.superclass
            }
            return false
        }

        /** The short report of a LoRAlgebra error: `Type: message`, then `caused by: Type: message` per cause. */
        fun of(error: Throwable): LoraCellError {
            val text = buildString {
                append(error.javaClass.simpleName).append(": ").append(error.message ?: "")
                var cause = error.cause
                val seen = mutableSetOf<Throwable>(error)
                while (cause != null && seen.add(cause)) {
                    append("\ncaused by: ").append(cause.javaClass.simpleName)
                    cause.message?.let { append(": ").append(it) }
                    cause = cause.cause
                }
                append('\n')
            }
            return LoraCellError(text.trimEnd('\n'), error)
        }
    }
}
