package org.loralgebra.kernel.script

import kotlin.script.experimental.annotations.KotlinScript

/**
 * A LoRAlgebra script, `NAME.lora.kts`: Kotlin with the language, its operators, plot export and the Lets-Plot DSL
 * imported ([LoraScriptConfiguration]). Run with `lora run NAME.lora.kts ARGS…`.
 *
 * ```
 * val blend = 0.5 * Lora.load(args[0]) + 0.5 * Lora.load(args[1])
 * blend.save(args[2])
 * ```
 *
 * @property args the command-line arguments after the script's path
 */
@KotlinScript(
    displayName = "LoRAlgebra script",
    fileExtension = "lora.kts",
    compilationConfiguration = LoraScriptConfiguration::class,
)
abstract class LoraScript(val args: Array<String>)
