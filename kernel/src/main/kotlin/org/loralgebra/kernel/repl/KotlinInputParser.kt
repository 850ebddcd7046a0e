package org.loralgebra.kernel.repl

import org.jline.reader.EOFError
import org.jline.reader.ParsedLine
import org.jline.reader.Parser
import org.jline.reader.impl.DefaultParser

/**
 * A JLine parser that asks for more lines while the input has an open bracket, string or block comment, so that a
 * multi-line Kotlin input (a function, a lambda, a map literal) is edited and accepted as one. For completion, the word
 * at the cursor is the identifier chain that ends there (`a.spe` in `println(a.spe`), as [ReplCompleter] expects.
 */
class KotlinInputParser : DefaultParser() {
    override fun parse(line: String, cursor: Int, context: Parser.ParseContext): ParsedLine {
        if (context == Parser.ParseContext.ACCEPT_LINE) {
            val open = openConstructs(line)
            if (open.isNotEmpty()) {
                throw EOFError(-1, -1, "incomplete input", open.last())
            }
        }
        if (context == Parser.ParseContext.COMPLETE) {
            val start = chainStart(line, cursor)
            return ChainAtCursor(line, cursor, line.substring(start, cursor))
        }
        return super.parse(line, cursor, context)
    }

    /** The line cut for completion: one word, the identifier chain that ends at the cursor. */
    private class ChainAtCursor(private val line: String, private val cursor: Int, private val chain: String) :
        ParsedLine {
        override fun word(): String = chain

        override fun wordCursor(): Int = chain.length

        override fun wordIndex(): Int = 0

        override fun words(): List<String> = listOf(chain)

        override fun line(): String = line

        override fun cursor(): Int = cursor
    }

    companion object {
        /** Where the identifier chain (`name.name.name`, maybe ending in a dot) that ends at [cursor] starts. */
        @JvmStatic
        fun chainStart(line: String, cursor: Int): Int {
            var start = cursor
            while (start > 0 && (Character.isJavaIdentifierPart(line[start - 1]) || line[start - 1] == '.')) start--
            return start
        }

        /**
         * The constructs still open at the end of [code], innermost last: brackets, strings (`"` or three quotes) and
         * block comments, as their opening token. Strings' templates count as braces.
         */
        @JvmStatic
        fun openConstructs(code: String): List<String> {
            val stack = ArrayList<String>()
            var i = 0
            while (i < code.length) {
                val c = code[i]
                val top = stack.lastOrNull()
                when (top) {
                    "\"\"\"" ->
                        when {
                            code.startsWith("\"\"\"", i) -> {
                                stack.removeAt(stack.size - 1)
                                i += 2
                            }
                            code.startsWith("\${", i) -> {
                                stack.add("{")
                                i++
                            }
                        }
                    "\"" ->
                        when {
                            c == '\\' -> i++
                            c == '"' -> stack.removeAt(stack.size - 1)
                            code.startsWith("\${", i) -> {
                                stack.add("{")
                                i++
                            }
                            c == '\n' ->
                                stack.removeAt(
                                    stack.size - 1
                                ) // an unterminated string is a compile error, not more input
                        }
                    "/*" ->
                        when {
                            code.startsWith("*/", i) -> {
                                stack.removeAt(stack.size - 1)
                                i++
                            }
                            code.startsWith("/*", i) -> {
                                stack.add("/*")
                                i++
                            }
                        }
                    else ->
                        when {
                            code.startsWith("//", i) -> {
                                while (i < code.length && code[i] != '\n') i++
                            }
                            code.startsWith("/*", i) -> {
                                stack.add("/*")
                                i++
                            }
                            code.startsWith("\"\"\"", i) -> {
                                stack.add("\"\"\"")
                                i += 2
                            }
                            c == '"' -> stack.add("\"")
                            c == '\'' -> {
                                i++
                                if (i < code.length && code[i] == '\\') i++
                                i++
                            }
                            c == '(' || c == '[' || c == '{' -> stack.add(c.toString())
                            c == ')' || c == ']' || c == '}' ->
                                if (top != null && matches(top, c)) stack.removeAt(stack.size - 1)
                                else return emptyList()
                        }
                }
                i++
            }
            return stack
        }

        private fun matches(open: String, close: Char): Boolean =
            (open == "(" && close == ')') || (open == "[" && close == ']') || (open == "{" && close == '}')
    }
}
