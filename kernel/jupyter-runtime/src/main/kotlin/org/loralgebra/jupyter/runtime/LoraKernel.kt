@file:JvmName("LoraKernel")

package org.loralgebra.jupyter.runtime

import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicLong
import kotlin.concurrent.thread
import org.jetbrains.kotlinx.jupyter.JupyterConnectionImpl
import org.jetbrains.kotlinx.jupyter.ReplConfig
import org.jetbrains.kotlinx.jupyter.ReplForJupyter
import org.jetbrains.kotlinx.jupyter.api.libraries.JupyterSocketType
import org.jetbrains.kotlinx.jupyter.api.libraries.rawMessageCallback
import org.jetbrains.kotlinx.jupyter.api.libraries.type
import org.jetbrains.kotlinx.jupyter.createRuntimeProperties
import org.jetbrains.kotlinx.jupyter.libraries.getDefaultClasspathResolutionInfoProvider
import org.jetbrains.kotlinx.jupyter.messaging.CommManagerImpl
import org.jetbrains.kotlinx.jupyter.messaging.controlMessagesHandler
import org.jetbrains.kotlinx.jupyter.messaging.shellMessagesHandler
import org.jetbrains.kotlinx.jupyter.repl.creating.DefaultReplFactory
import org.jetbrains.kotlinx.jupyter.startup.KernelArgs
import org.jetbrains.kotlinx.jupyter.startup.KernelConfig
import org.jetbrains.kotlinx.jupyter.startup.getConfig

/** Reports a failure on the kernel's standard error (Jupyter's log). */
private fun report(message: String, e: Throwable) {
    System.err.println("loralgebra kernel: $message")
    e.printStackTrace()
}

/**
 * The `loralgebra` kernel's entry point: the Kotlin Jupyter kernel 0.11's own server loop (what its `IkotlinKt.main`
 * runs), plus one step it lacks: the library integrations on the notebook classpath
 * (`META-INF/kotlin-jupyter-libraries/libraries.json`, i.e. LoRAlgebra's imports and renderers) are loaded as soon as
 * the REPL exists, so the first cell of a notebook can already write `Lora.load(…)`. Kernel 0.11 itself scans for them
 * only after a cell has compiled and run.
 *
 * The scan (≈ 2–30 s, most of it compiling the default imports) runs on a background thread so that the kernel answers
 * the start-up handshake (`kernel_info_request`) at once; every other shell request waits for it, so no cell can run
 * before the imports exist.
 *
 * A cell that fails with a LoRAlgebra error reports its message, not its stack trace ([LoraCellError]).
 *
 * On JDK 25 and later the kernel's Kotlin 1.8.20 compiler is first told the JDK's version ([CompilerJavaVersion]).
 *
 * Arguments, as for `IkotlinKt`: `{connection_file} -classpath=<notebook classpath> -home=<folder>`.
 */
fun main(vararg args: String) {
    try {
        CompilerJavaVersion.seedIfUnparsable()
    } catch (e: ReflectiveOperationException) {
        report("cannot tell the Kotlin compiler this JDK's version; its cells may fail on JDK 25 or later", e)
    }
    try {
        val kernelArgs = parse(args.toList())
        val kernelConfig = kernelArgs.getConfig()
        val replConfig = ReplConfig.create(getDefaultClasspathResolutionInfoProvider(), kernelArgs.homeDir)
        serve(kernelConfig, replConfig)
    } catch (e: Exception) {
        report("cannot run with arguments ${args.joinToString(" ")}", e)
    }
}

private fun parse(args: List<String>): KernelArgs {
    var connectionFile: File? = null
    var classpath: List<File> = emptyList()
    var home: File? = null
    for (arg in args) {
        when {
            arg.startsWith("-cp=") || arg.startsWith("-classpath=") ->
                classpath = arg.substringAfter('=').split(File.pathSeparator).map { File(it) }
            arg.startsWith("-home=") -> home = File(arg.substringAfter('='))
            arg.startsWith("-") -> throw IllegalArgumentException("unknown kernel argument $arg")
            else -> connectionFile = File(arg)
        }
    }
    val file = connectionFile ?: throw IllegalArgumentException("no connection file among the arguments")
    require(file.isFile) { "connection file $file does not exist" }
    return KernelArgs(file, classpath, home, null, null, null)
}

private fun serve(kernelConfig: KernelConfig, replConfig: ReplConfig) {
    JupyterConnectionImpl(kernelConfig).use { conn ->
        val executionCount = AtomicLong(1)
        val commManager = CommManagerImpl(conn)
        val runtimeProperties = createRuntimeProperties(kernelConfig)
        val kernelRepl =
            DefaultReplFactory(kernelConfig, replConfig, runtimeProperties, emptyList(), conn, commManager).createRepl()
        val repl = ShortErrorRepl(kernelRepl)
        val integrationsLoaded = loadIntegrations(kernelRepl)
        val mainThread = Thread.currentThread()

        conn.addMessageCallback(
            rawMessageCallback(JupyterSocketType.CONTROL, null) { message ->
                conn.controlMessagesHandler(message, repl)
            }
        )
        conn.addMessageCallback(
            rawMessageCallback(JupyterSocketType.SHELL, null) { message ->
                if (message.type != "kernel_info_request") {
                    integrationsLoaded.await()
                }
                conn.updateSessionInfo(message)
                conn.shellMessagesHandler(message, repl, commManager, executionCount)
            }
        )
        val controlThread = thread { loop(mainThread) { conn.control.runCallbacksOnMessage() } }
        val heartbeatThread = thread { loop(mainThread) { conn.heartbeat.onData { socket.send(it, 0) } } }
        loop(controlThread, heartbeatThread) { conn.shell.runCallbacksOnMessage() }
        try {
            controlThread.join()
            heartbeatThread.join()
        } catch (_: InterruptedException) {}
    }
}

/** Scans the notebook classpath for integrations on a background thread; the latch opens when it is done. */
private fun loadIntegrations(repl: ReplForJupyter): CountDownLatch {
    val done = CountDownLatch(1)
    thread(name = "loralgebra-integrations", isDaemon = true) {
        try {
            repl.eval {
                repl.librariesScanner.addLibrariesFromClassLoader(repl.currentClassLoader, this, repl.notebook)
            }
        } catch (e: Throwable) {
            report("loading the notebook integrations failed; they load after the first cell instead", e)
        } finally {
            done.countDown()
        }
    }
    return done
}

/** Runs [body] until this thread is interrupted, then interrupts [others]. */
private fun loop(vararg others: Thread, body: () -> Unit) {
    while (true) {
        try {
            body()
        } catch (_: InterruptedException) {
            others.forEach { it.interrupt() }
            return
        }
    }
}
