package org.loralgebra.kernel.jupyter

/**
 * A table of text cells with a caption, as notebooks show values: HTML (numbers right-aligned) and aligned plain text.
 * Cells that look like numbers are right-aligned in both.
 */
class NotebookTable(val caption: String, header: List<String>, rows: List<List<String>>) {
    val header: List<String> = header.toList()
    val rows: List<List<String>> = rows.map { it.toList() }

    init {
        for ((i, row) in this.rows.withIndex()) {
            require(row.size == this.header.size) {
                "row $i has ${row.size} cells, expected ${this.header.size} (one per column: $header)"
            }
        }
    }

    /** An HTML `<table>` with the caption above it; text is escaped. */
    fun toHtml(): String = buildString {
        append("<div class=\"loralgebra-table\"><p><b>")
            .append(escape(caption))
            .append("</b></p>\n<table>\n<thead><tr>")
        header.forEachIndexed { c, h -> append("<th").append(align(c)).append('>').append(escape(h)).append("</th>") }
        append("</tr></thead>\n<tbody>\n")
        for (row in rows) {
            append("<tr>")
            row.forEachIndexed { c, v -> append("<td").append(align(c)).append('>').append(escape(v)).append("</td>") }
            append("</tr>\n")
        }
        append("</tbody>\n</table></div>")
    }

    /** The caption, then the columns padded to their widest cell, numbers right-aligned. */
    fun toText(): String = buildString {
        append(caption).append('\n')
        val widths = header.indices.map { c -> (rows.map { it[c].length } + header[c].length).max() }
        fun line(cells: List<String>) {
            cells.forEachIndexed { c, v ->
                if (c > 0) append("  ")
                append(if (numeric(c)) v.padStart(widths[c]) else v.padEnd(widths[c]))
            }
            append('\n')
        }
        append("  ")
        line(header)
        for (row in rows) {
            append("  ")
            line(row)
        }
    }
        .trimEnd()

    private fun numeric(column: Int): Boolean = rows.isNotEmpty() && rows.all { NUMBER.matches(it[column]) }

    private fun align(column: Int): String =
        if (numeric(column)) " style=\"text-align:right\"" else " style=\"text-align:left\""

    companion object {
        private val NUMBER = Regex("[-+]?[0-9.]+([eE][-+]?[0-9]+)?%?|NaN|[-+]?Infinity|")

        private fun escape(text: String): String =
            text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
    }
}
