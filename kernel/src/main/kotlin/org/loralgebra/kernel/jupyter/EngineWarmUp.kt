package org.loralgebra.kernel.jupyter

import java.util.concurrent.atomic.AtomicBoolean
import kotlin.concurrent.thread
import org.loralgebra.exec.Backends
import org.loralgebra.exec.Engine
import org.loralgebra.exec.ExecutionOptions

/**
 * Starts the default engine (the backend's native libraries, its numerical self-check's verdict) on a background thread
 * once the notebook's first cell has run, so that the first cell that computes does not wait for it while the user is
 * still reading the first output. Started any earlier, it competes with the kernel compiling the imports and the first
 * cell (measured on 2 cores: the first cell took 4.6 s instead of 3.3). What fails here is left for the first computing
 * cell to meet and report.
 */
internal object EngineWarmUp {
    private val started = AtomicBoolean()

    /** Starts the warm-up, the first time only. */
    fun startOnce() {
        if (!started.compareAndSet(false, true)) {
            return
        }
        // a cell runs with the REPL's class loader as its context loader, which holds LoRAlgebra and ND4J; a thread
        // started outside a cell would inherit the JVM's application loader, which holds neither
        thread(
            name = "loralgebra-engine-warm-up",
            isDaemon = true,
            contextClassLoader = EngineWarmUp::class.java.classLoader,
        ) {
            try {
                Backends.prepare(ExecutionOptions.defaults().backend())
                Engine.defaultEngine()
            } catch (_: RuntimeException) {
                // the first computing cell meets the same failure and reports it
            } catch (_: LinkageError) {}
        }
    }
}
