package org.loralgebra.kernel.script

import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.jvm.dependenciesFromCurrentContext
import kotlin.script.experimental.jvm.jvm
import org.loralgebra.kernel.DefaultImports

/**
 * How `.lora.kts` scripts and REPL snippets compile: [DefaultImports.ALL], against the whole classpath of the JVM that
 * runs them (LoRAlgebra, its Kotlin layer, Lets-Plot).
 */
object LoraScriptConfiguration :
    ScriptCompilationConfiguration({
        defaultImports(DefaultImports.ALL)
        jvm {
            dependenciesFromCurrentContext(wholeClasspath = true)
        }
    }) {
    private fun readResolve(): Any = LoraScriptConfiguration
}
