package org.loralgebra.kernel.repl

import java.io.IOException
import java.io.PrintWriter
import java.nio.file.Files
import java.nio.file.Path
import org.jline.reader.EndOfFileException
import org.jline.reader.LineReader
import org.jline.reader.LineReaderBuilder
import org.jline.reader.UserInterruptException
import org.jline.terminal.Terminal
import org.jline.terminal.TerminalBuilder
import org.loralgebra.kernel.DefaultImports

/**
 * `lora repl`: an interactive Kotlin session with LoRAlgebra, its operators, plot export and the Lets-Plot DSL
 * imported. JLine gives line editing, history (kept in [historyFile]), Tab completion of names and members
 * ([ReplCompleter]) and multi-line input (an open bracket or string continues on the next line). What is typed runs as
 * typed: no history expansion (`s!!.length` is Kotlin's not-null assertion). Errors are printed and the session goes
 * on; Ctrl-C interrupts the input that runs and keeps the session; `:quit` or end of input (Ctrl-D) leaves.
 */
class LoraRepl(private val terminal: Terminal, private val historyFile: Path?) {
    private val out: PrintWriter = terminal.writer()
    private val session = ReplSession()

    /** Reads, evaluates and prints until `:quit` or end of input; returns the exit status (0). */
    fun run(): Int {
        val imported = ImportedNames(DefaultImports.ALL, ImportedNames.jvmClasspath())
        val reader =
            LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("lora")
                .parser(KotlinInputParser())
                .completer(ReplCompleter(session, imported))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .variable(LineReader.INDENTATION, 4)
                .apply { if (historyFile != null) variable(LineReader.HISTORY_FILE, historyFile) }
                .build()
        out.println("LoRAlgebra REPL (Kotlin ${KotlinVersion.CURRENT}). Type :help for help, :quit to leave.")
        out.flush()
        terminal.handle(Terminal.Signal.INT) { Thread({ session.interrupt() }, "lora-interrupt").start() }
        session.warmUp()
        Thread({ imported.names() }, "lora-completion-names").apply { isDaemon = true }.start()
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
            if (command.isEmpty()) continue
            if (COMMAND.matches(command)) {
                if (!command(command)) break
                continue
            }
            var code = line
            var result = evalInterruptibly(code)
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
                result = evalInterruptibly(code)
            }
            print(result)
        }
        reader.history.save()
        return 0
    }

    /** Runs the `:command` [command]; false when it ends the session. */
    private fun command(command: String): Boolean {
        val name = command.substringBefore(' ')
        val argument = command.substringAfter(' ', "").trim()
        when (name) {
            ":quit",
            ":q",
            ":exit" -> return false
            ":help" -> out.println(HELP)
            ":load" ->
                if (argument.isEmpty()) out.println("$name: expected a file, as in :load blend.kts")
                else load(Path.of(argument))
            else -> out.println("unknown command $name: the commands are :help, :load FILE and :quit")
        }
        out.flush()
        return true
    }

    /** `:load FILE`: runs the file's Kotlin as one input. */
    private fun load(file: Path) {
        val code =
            try {
                Files.readString(file)
            } catch (e: IOException) {
                out.println(":load: cannot read $file (${e.javaClass.simpleName}: ${e.message})")
                return
            }
        val result = evalInterruptibly(code)
        print(
            if (result is SnippetResult.Incomplete)
                SnippetResult.CompileErrors(listOf("$file: error: incomplete input"))
            else result
        )
    }

    /**
     * Evaluates [code]. Ctrl-C ([Terminal.Signal.INT]) interrupts it: the handler [run] installs for the whole session
     * (JLine replaces it while a line is read and puts it back) interrupts whatever input runs.
     */
    private fun evalInterruptibly(code: String): SnippetResult = session.eval(code)

    private fun print(result: SnippetResult) {
        when (result) {
            is SnippetResult.Value -> out.println("${result.name}: ${result.type} = ${ReplValues.render(result.value)}")
            is SnippetResult.CompileErrors -> result.errors.forEach(out::println)
            is SnippetResult.Failed -> out.println(result.report)
            SnippetResult.Incomplete -> out.println("input: error: incomplete input")
            SnippetResult.Interrupted -> out.println("interrupted (the session keeps its values)")
            SnippetResult.NoValue -> {}
        }
        out.flush()
    }

    companion object {
        const val PROMPT = "lora> "
        const val CONTINUATION = "  ... "

        /** A line that is a REPL command rather than Kotlin: a colon, then a name. */
        private val COMMAND = Regex(":[A-Za-z]+(\\s.*)?")

        private val HELP =
            """
            |Kotlin with LoRAlgebra imported: Lora.load("folder"), a + b, 0.5 * a, a.truncate(Rank.of(8)),
            |a.spectrum(), a.plan(), a.save("out"), PlotExport.save(figure, Path.of("plot.svg")).
            |An open bracket or string continues the input on the next line; Tab completes names and members
            |(a.<Tab>); Ctrl-C interrupts the input that runs and keeps the session.
            |  :help        this help
            |  :load FILE   run the Kotlin in FILE as one input
            |  :quit        leave (also :q, :exit, Ctrl-D)
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
