package org.loralgebra.kernel.repl

import java.lang.reflect.Modifier
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.script.experimental.api.CompiledSnippet
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.impl.internalScriptingRunSuspend
import kotlin.script.experimental.jvm.BasicJvmReplEvaluator
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration
import kotlin.script.experimental.jvmhost.createJvmCompilationConfigurationFromTemplate
import kotlin.script.experimental.util.LinkedSnippet
import org.jetbrains.kotlin.scripting.compiler.plugin.impl.KJvmReplCompilerBase
import org.jetbrains.kotlin.scripting.compiler.plugin.repl.ReplCodeAnalyzerBase
import org.loralgebra.kernel.script.LoraSnippet
import org.loralgebra.kernel.script.ScriptFailures
import org.loralgebra.kernel.script.ScriptRunner

/**
 * A Kotlin REPL session with LoRAlgebra imported ([LoraSnippet]): each input is compiled as the next snippet (seeing
 * earlier declarations) and run. An input that fails to compile, throws or is interrupted ([interrupt]) leaves the
 * session as it was; later inputs go on and see every value declared before.
 */
class ReplSession {
    private val compiler = KJvmReplCompilerBase<ReplCodeAnalyzerBase>(defaultJvmScriptingHostConfiguration)
    private val evaluator = BasicJvmReplEvaluator()
    private val compilation = createJvmCompilationConfigurationFromTemplate<LoraSnippet>()
    private val evaluation = ScriptEvaluationConfiguration()
    private var inputs = 0

    /** The values the session's snippets declared, by name, the latest declaration of a name winning. */
    private val values = LinkedHashMap<String, Any?>()

    /** The functions the session's snippets declared. */
    private val functions = LinkedHashSet<String>()

    /**
     * The thread every snippet compiles on: the Kotlin compiler keeps per-thread state, and a session compiled from two
     * threads fails inside the compiler's back end. Snippets run on a thread of their own ([running]) so that an
     * interrupt can end a run that ignores [Thread.interrupt] without touching the compiler.
     */
    private val worker = Executors.newSingleThreadExecutor { r -> Thread(r, "lora-repl").apply { isDaemon = true } }

    /** The thread running the current snippet, null between runs. */
    @Volatile private var running: Thread? = null

    /** Set by [interrupt]; read once the current input's compilation is done. */
    @Volatile private var interrupted = false

    /**
     * Starts compiling an empty snippet, so that the compiler's start-up (seconds) is paid while the user types the
     * first input; returns at once.
     */
    fun warmUp() {
        worker.submit { evalHere("Unit") }
    }

    /** Compiles and runs [code] (one or more lines), after any input before it. */
    fun eval(code: String): SnippetResult {
        interrupted = false
        try {
            return worker.submit(Callable { evalHere(code) }).get()
        } catch (e: ExecutionException) {
            throw e.cause ?: e
        }
    }

    /**
     * Interrupts the input being evaluated (from another thread: a Ctrl-C handler). A run is first interrupted
     * ([Thread.interrupt]: sleeps, waits and LoRAlgebra's evaluations end at once); a run still going after [grace]
     * milliseconds (a loop that never waits) is stopped. An input still compiling is not run. Its result is
     * [SnippetResult.Interrupted]; the session keeps every value declared before it.
     */
    @JvmOverloads
    fun interrupt(grace: Long = GRACE_MILLIS) {
        interrupted = true
        val thread = running ?: return
        thread.interrupt()
        thread.join(grace)
        if (thread.isAlive && running === thread) {
            stop(thread)
        }
    }

    /** The names the session declared (values and functions), in declaration order. */
    fun names(): Set<String> = synchronized(values) { LinkedHashSet(values.keys + functions) }

    /** The value the session holds under [name] (null when there is none or it is null). */
    fun valueOf(name: String): Any? = synchronized(values) { values[name] }

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
        if (interrupted) {
            return SnippetResult.Interrupted
        }
        val result = run(snippet) ?: return SnippetResult.Interrupted
        record(result)
        return when (result) {
            is ResultValue.Value -> SnippetResult.Value(result.name, shortType(result.type), result.value)
            is ResultValue.Unit -> SnippetResult.NoValue
            is ResultValue.Error ->
                if (interrupted) SnippetResult.Interrupted
                else
                    SnippetResult.Failed(
                        result.error,
                        ScriptFailures.report(source.name ?: INPUT, result.error)
                            .replaceFirst(source.name ?: INPUT, INPUT),
                    )
            is ResultValue.NotEvaluated -> SnippetResult.NoValue
        }
    }

    /**
     * Runs [snippet] on a thread of its own (16 MiB of stack, like the launcher's main thread: LAPACK needs it) and
     * waits for it; null when the run was stopped before it gave a result.
     */
    private fun run(snippet: LinkedSnippet<out CompiledSnippet>): ResultValue? {
        val outcome = CompletableFuture<ResultValue>()
        val thread =
            Thread(
                null,
                {
                    try {
                        @Suppress("DEPRECATION_ERROR")
                        val evaluated = internalScriptingRunSuspend { evaluator.eval(snippet, evaluation) }
                        when (evaluated) {
                            is ResultWithDiagnostics.Failure -> {
                                val reason = evaluated.reports.joinToString("; ") { it.message }
                                outcome.complete(ResultValue.Error(IllegalStateException(reason)))
                            }
                            is ResultWithDiagnostics.Success -> outcome.complete(evaluated.value.get().result)
                        }
                    } catch (e: Throwable) {
                        outcome.complete(ResultValue.Error(e))
                    }
                },
                "lora-eval",
                STACK_BYTES,
            )
        thread.isDaemon = true
        running = thread
        try {
            thread.start()
            thread.join()
        } finally {
            running = null
        }
        return try {
            outcome.get(0, TimeUnit.MILLISECONDS)
        } catch (e: TimeoutException) {
            null
        }
    }

    /** Keeps the names [result]'s snippet declared, and its result value (`resN`), for [names] and [valueOf]. */
    private fun record(result: ResultValue) {
        val instance = result.scriptInstance ?: return
        synchronized(values) {
            for (field in instance.javaClass.declaredFields) {
                if (field.isSynthetic || field.name.contains('$') || Modifier.isStatic(field.modifiers)) continue
                val value =
                    try {
                        field.isAccessible = true
                        field.get(instance)
                    } catch (e: ReflectiveOperationException) {
                        continue
                    } catch (e: RuntimeException) {
                        continue
                    }
                values.remove(field.name)
                values[field.name] = value
            }
            for (method in instance.javaClass.declaredMethods) {
                if (method.isSynthetic || method.name.contains('$') || !Modifier.isPublic(method.modifiers)) continue
                if (isAccessor(method.name, method.parameterCount)) continue
                functions.add(method.name)
            }
            if (result is ResultValue.Value) {
                values.remove(result.name)
                values[result.name] = result.value
            }
        }
    }

    private fun isAccessor(name: String, parameters: Int): Boolean =
        (parameters == 0 && (name.startsWith("get") || name.startsWith("is")) && name.length > 3) ||
            (parameters == 1 && name.startsWith("set") && name.length > 3)

    private fun shortType(type: String): String =
        type.replace(Regex("\\bkotlin\\.(collections\\.)?"), "").replace(Regex("\\borg\\.loralgebra\\.(plan\\.)?"), "")

    private companion object {
        /** How inputs are named in error messages. */
        const val INPUT = "input"

        /** How long an interrupted run may take to end by itself before it is stopped. */
        const val GRACE_MILLIS = 2000L

        /** The stack of the thread that runs snippets. */
        const val STACK_BYTES = 16L shl 20

        /**
         * Ends [thread] with a `ThreadDeath` where it runs: the one way to end a computation that never checks for
         * interrupts (a user's loop). Its locks are released; the session's own state is untouched, since the thread
         * only ran the snippet.
         */
        @Suppress("DEPRECATION") // Thread.stop: deprecated for the danger above, and the only way; Java 17 runs it
        fun stop(thread: Thread) {
            try {
                thread.stop()
            } catch (e: UnsupportedOperationException) {
                // a JDK from 20 on refuses: the run goes on until it checks for interrupts
            }
        }
    }
}
