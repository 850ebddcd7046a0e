package org.loralgebra.kernel.script

import kotlin.script.experimental.annotations.KotlinScript

/** A REPL snippet: compiled like a [LoraScript] ([LoraScriptConfiguration]), without `args`. */
@KotlinScript(
    displayName = "LoRAlgebra REPL snippet",
    fileExtension = "lora.repl.kts",
    compilationConfiguration = LoraScriptConfiguration::class,
)
abstract class LoraSnippet
