package org.loralgebra.plot

import java.nio.charset.StandardCharsets
import java.security.MessageDigest

/**
 * Replaces the random element ids Lets-Plot puts in its SVG (`id="pBCKVuA"`, referenced as `#pBCKVuA` in CSS and
 * `url(#…)`) with deterministic ones: `lp<hash>-<n>`, where `<hash>` is taken from the document with its ids blanked
 * and `n` numbers the ids in order of appearance. The same figure then gives the same bytes, and two different figures
 * on one page still get different ids.
 */
internal object SvgIds {
    private val ID = Regex("\\bid=\"([^\"]+)\"")

    fun renumber(svg: String): String {
        val ids = ID.findAll(svg).map { it.groupValues[1] }.distinct().toList()
        if (ids.isEmpty()) {
            return svg
        }
        val token = Regex(ids.joinToString("|", "(?<![\\w-])(", ")(?![\\w-])") { Regex.escape(it) })
        val hash = sha256Hex(token.replace(svg, "#id#")).substring(0, 8)
        val names = ids.withIndex().associate { (i, id) -> id to "lp$hash-$i" }
        return token.replace(svg) { names.getValue(it.value) }
    }

    private fun sha256Hex(text: String): String =
        MessageDigest.getInstance("SHA-256").digest(text.toByteArray(StandardCharsets.UTF_8)).joinToString("") {
            "%02x".format(it)
        }
}
