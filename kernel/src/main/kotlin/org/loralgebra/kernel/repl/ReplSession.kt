package org.loralgebra.kernel.repl

import java.util.concurrent.Callable
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.impl.internalScriptingRunSuspend
import kotlin.script.experimental.jvm.BasicJvmReplEvaluator
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration
import kotlin.script.experimental.jvmhost.createJvmCompilationConfigurationFromTemplate
import org.jetbrains.kotlin.scripting.compiler.plugin.impl.KJvmReplCompilerBase
import org.jetbrains.kotlin.scripting.compiler.plugin.repl.ReplCodeAnalyzerBase
import org.loralgebra.kernel.script.LoraSnippet
import org.loralgebra.kernel.script.ScriptFailures
import org.loralgebra.kernel.script.ScriptRunner

/**
 * A Kotlin REPL session with LoRAlgebra imported ([LoraSnippet]): each input is compiled as the next snippet (seeing
 * earlier declarations) and run. An input that fails to compile or throws leaves the session as it was; later inputs go
 * on.
 */
class ReplSession {
    private val compiler = KJvmReplCompilerBase<ReplCodeAnalyzerBase>(defaultJvmScriptingHostConfiguration)
    private val evaluator = BasicJvmReplEvaluator()
    private val compilation = createJvmCompilationConfigurationFromTemplate<LoraSnippet>()
    private val evaluation = ScriptEvaluationConfiguration()
    private var inputs = 0

    /**
     * The thread every snippet compiles and runs on: the Kotlin compiler keeps per-thread state, and a session compiled
     * from two threads fails inside the compiler's back end.
     */
    private val worker = Executors.newSingleThreadExecutor { r -> Thread(r, "lora-repl").apply { isDaemon = true } }

    /**
     * Starts compiling an empty snippet, so that the compiler's start-up (seconds) is paid while the user types the
     * first input; returns at once.
     */
    fun warmUp() {
        worker.submit { evalHere("Unit") }
    }

    /** Compiles and runs [code] (one or more lines), after any input before it. */
    fun eval(code: String): SnippetResult {
        try {
            return worker.submit(Callable { evalHere(code) }).get()
        } catch (e: ExecutionException) {
            throw e.cause ?: e
        }
    }

    private fun evalHere(code: String): SnippetResult {
        inputs++
        val source = code.toScriptSource("input$inputs.lora.repl.kts")
        @Suppress("DEPRECATION_ERROR")
        val compiled = internalScriptingRunSuspend { compiler.compile(source, compilation) }
        val snippet =
            when (compiled) {
                is ResultWithDiagnostics.Failure -> {
                    if (compiled.reports.any { it.code == ScriptDiagnostic.incompleteCode }) {
                        return SnippetResult.Incomplete
                    }
                    val errors =
                        compiled.reports
                            .filter { it.severity >= ScriptDiagnostic.Severity.ERROR }
                            .map { ScriptRunner.format(INPUT, it) }
                    return SnippetResult.CompileErrors(
                        errors.ifEmpty { listOf("$INPUT: error: the input does not compile") }
                    )
                }
                is ResultWithDiagnostics.Success -> compiled.value
            }
        @Suppress("DEPRECATION_ERROR")
        val evaluated = internalScriptingRunSuspend { evaluator.eval(snippet, evaluation) }
        val result =
            when (evaluated) {
                is ResultWithDiagnostics.Failure -> {
                    val reason = evaluated.reports.joinToString("; ") { it.message }
                    return SnippetResult.Failed(IllegalStateException(reason), "$INPUT: error: $reason")
                }
                is ResultWithDiagnostics.Success -> evaluated.value.get().result
            }
        return when (result) {
            is ResultValue.Value -> SnippetResult.Value(result.name, shortType(result.type), result.value)
            is ResultValue.Unit -> SnippetResult.NoValue
            is ResultValue.Error ->
                SnippetResult.Failed(
                    result.error,
                    ScriptFailures.report(source.name ?: INPUT, result.error).replaceFirst(source.name ?: INPUT, INPUT),
                )
            is ResultValue.NotEvaluated -> SnippetResult.NoValue
        }
    }

    private fun shortType(type: String): String =
        type.replace(Regex("\\bkotlin\\.(collections\\.)?"), "").replace(Regex("\\borg\\.loralgebra\\.(plan\\.)?"), "")

    private companion object {
        /** How inputs are named in error messages. */
        const val INPUT = "input"
    }
}
