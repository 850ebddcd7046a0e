package org.loralgebra.kernel.repl

import java.io.PrintWriter
import java.nio.file.Path
import org.jetbrains.letsPlot.Figure
import org.jline.reader.EndOfFileException
import org.jline.reader.LineReader
import org.jline.reader.LineReaderBuilder
import org.jline.reader.UserInterruptException
import org.jline.terminal.Terminal
import org.jline.terminal.TerminalBuilder
import org.loralgebra.AdapterSummary
import org.loralgebra.plan.Plan

/**
 * `lora repl`: an interactive Kotlin session with LoRAlgebra, its operators, plot export and the Lets-Plot DSL
 * imported. JLine gives line editing, history (kept in [historyFile]) and multi-line input (an open bracket or string
 * continues on the next line). Errors are printed and the session goes on; `:quit` or end of input (Ctrl-D) leaves.
 */
class LoraRepl(private val terminal: Terminal, private val historyFile: Path?) {
    private val out: PrintWriter = terminal.writer()

    /** Reads, evaluates and prints until `:quit` or end of input; returns the exit status (0). */
    fun run(): Int {
        val reader =
            LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("lora")
                .parser(KotlinInputParser())
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .variable(LineReader.INDENTATION, 4)
                .apply { if (historyFile != null) variable(LineReader.HISTORY_FILE, historyFile) }
                .build()
        out.println("LoRAlgebra REPL (Kotlin ${KotlinVersion.CURRENT}). Type :help for help, :quit to leave.")
        out.flush()
        val session = ReplSession()
        session.warmUp()
        while (true) {
            val line =
                try {
                    reader.readLine(PROMPT)
                } catch (e: UserInterruptException) {
                    continue
                } catch (e: EndOfFileException) {
                    break
                }
            val command = line.trim()
            when {
                command.isEmpty() -> continue
                command == ":quit" || command == ":q" || command == ":exit" -> break
                command == ":help" -> {
                    out.println(HELP)
                    out.flush()
                    continue
                }
                command.startsWith(":") && !command.contains(' ') -> {
                    out.println("unknown command $command (:help lists them)")
                    out.flush()
                    continue
                }
            }
            var code = line
            var result = session.eval(code)
            while (result is SnippetResult.Incomplete) {
                val more =
                    try {
                        reader.readLine(CONTINUATION)
                    } catch (e: UserInterruptException) {
                        null
                    } catch (e: EndOfFileException) {
                        null
                    } ?: break
                code = code + "\n" + more
                result = session.eval(code)
            }
            print(result)
        }
        reader.history.save()
        return 0
    }

    private fun print(result: SnippetResult) {
        when (result) {
            is SnippetResult.Value -> out.println("${result.name}: ${result.type} = ${render(result.value)}")
            is SnippetResult.CompileErrors -> result.errors.forEach(out::println)
            is SnippetResult.Failed -> out.println(result.report)
            SnippetResult.Incomplete -> out.println("input: error: incomplete input")
            SnippetResult.NoValue -> {}
        }
        out.flush()
    }

    private fun render(value: Any?): String =
        when (value) {
            is Plan -> "\n" + value.explain().trimEnd()
            is AdapterSummary -> "\n" + value.toText().trimEnd()
            is Figure ->
                "Lets-Plot figure (write it with PlotExport.save(figure, Path.of(\"plot.svg\")), .png or .html)"
            is DoubleArray -> value.contentToString()
            is IntArray -> value.contentToString()
            is Array<*> -> value.contentDeepToString()
            else -> value.toString()
        }

    companion object {
        const val PROMPT = "lora> "
        const val CONTINUATION = "  ... "

        private val HELP =
            """
            |Kotlin with LoRAlgebra imported: Lora.load("folder"), a + b, 0.5 * a, a.truncate(Rank.of(8)),
            |a.spectrum(), a.plan(), a.save("out"), PlotExport.save(figure, Path.of("plot.svg")).
            |An open bracket or string continues the input on the next line.
            |  :help   this help
            |  :quit   leave (also :q, :exit, Ctrl-D)
            """
                .trimMargin()

        /** The default history file: `~/.lora_history`. */
        @JvmStatic fun defaultHistoryFile(): Path = Path.of(System.getProperty("user.home"), ".lora_history")

        /** Runs a REPL on the process's terminal (standard input and output). */
        @JvmStatic
        fun onSystemTerminal(historyFile: Path?): Int {
            TerminalBuilder.builder().system(true).dumb(true).name("lora").build().use { terminal ->
                return LoraRepl(terminal, historyFile).run()
            }
        }

        /** `java -cp … org.loralgebra.kernel.repl.LoraRepl`: a REPL on this terminal. */
        @JvmStatic
        fun main(args: Array<String>) {
            kotlin.system.exitProcess(onSystemTerminal(defaultHistoryFile()))
        }
    }
}
