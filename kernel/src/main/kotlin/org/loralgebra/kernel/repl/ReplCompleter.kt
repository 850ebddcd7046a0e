package org.loralgebra.kernel.repl

import java.lang.reflect.Method
import java.lang.reflect.Modifier
import org.jline.reader.Candidate
import org.jline.reader.Completer
import org.jline.reader.LineReader
import org.jline.reader.ParsedLine

/**
 * Tab completion in the REPL. The word at the cursor is the identifier chain [KotlinInputParser] cuts out (`a.spe`,
 * `Lora.lo`, `imd`): after a dot it completes the members of what the name before the dot holds (a session value's
 * methods and properties and the imported extension functions that take it, or an imported class's static members);
 * otherwise the session's names, the imported names and Kotlin's keywords.
 */
class ReplCompleter(private val session: ReplSession, private val imported: ImportedNames) : Completer {
    override fun complete(reader: LineReader, line: ParsedLine, candidates: MutableList<Candidate>) {
        val word = line.word().substring(0, line.wordCursor())
        val dot = word.lastIndexOf('.')
        if (dot < 0) {
            val names = LinkedHashSet<String>()
            names += session.names()
            names += imported.names()
            names += KEYWORDS
            names.filter { it.startsWith(word) }.forEach { candidates.add(candidate(it, it, complete = false)) }
            return
        }
        val receiver = word.substring(0, dot)
        val partial = word.substring(dot + 1)
        members(receiver).forEach { (name, call) ->
            if (name.startsWith(partial)) {
                candidates.add(candidate("$receiver.$call", name, complete = false))
            }
        }
    }

    /** Member name to what completing it inserts (`spectrum()`, `truncate(`, `label`) for the name [receiver]. */
    private fun members(receiver: String): Map<String, String> {
        val members = sortedMapOf<String, String>()
        if (receiver in session.names()) {
            val value = session.valueOf(receiver) ?: return members
            value.javaClass.methods
                .filter { !Modifier.isStatic(it.modifiers) && it.declaringClass != Any::class.java }
                .forEach { add(members, it, it.parameterCount) }
            imported.extensionsOf(value.javaClass).forEach { add(members, it, it.parameterCount - 1) }
            return members
        }
        if (!IDENTIFIER.matches(receiver)) return members
        val type = imported.classNamed(receiver) ?: return members
        type.methods.filter { Modifier.isStatic(it.modifiers) }.forEach { add(members, it, it.parameterCount) }
        type.fields
            .filter { Modifier.isStatic(it.modifiers) && it.name != "INSTANCE" && it.name != "Companion" }
            .forEach { members.putIfAbsent(it.name, it.name) }
        val singleton = type.fields.firstOrNull { it.name == "INSTANCE" || it.name == "Companion" }
        singleton
            ?.type
            ?.methods
            ?.filter { it.declaringClass != Any::class.java }
            ?.forEach {
                add(members, it, it.parameterCount)
            }
        return members
    }

    private fun add(members: MutableMap<String, String>, method: Method, parameters: Int) {
        val name = method.name
        if (method.isSynthetic || name.contains('$') || name.startsWith("component") && parameters == 0) return
        val property =
            if (parameters == 0 && name.startsWith("get") && name.length > 3 && name[3].isUpperCase())
                name[3].lowercaseChar() + name.substring(4)
            else null
        if (property != null) {
            members.putIfAbsent(property, property)
        } else {
            if (parameters > 0) members[name] = "$name(" else members.putIfAbsent(name, "$name()")
        }
    }

    private fun candidate(value: String, display: String, complete: Boolean): Candidate =
        Candidate(value, display, null, null, null, null, complete)

    private companion object {
        val IDENTIFIER = Regex("[A-Za-z_][A-Za-z0-9_]*")

        /** Kotlin's keywords and the standard functions most used at a prompt. */
        val KEYWORDS =
            listOf(
                "val",
                "var",
                "fun",
                "if",
                "else",
                "when",
                "for",
                "while",
                "return",
                "null",
                "true",
                "false",
                "println",
                "listOf",
                "mapOf",
                "setOf",
                "doubleArrayOf",
                "repeat",
            )
    }
}
