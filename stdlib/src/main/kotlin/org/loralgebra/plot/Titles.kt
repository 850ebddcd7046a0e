package org.loralgebra.plot

/** Line breaking for plot titles: Lets-Plot does not wrap them, and long adapter labels run off the figure. */
internal object Titles {
    /** Breaks `text` at spaces into lines of at most `width` characters (a longer word stays whole). */
    fun wrap(text: String, width: Int = 64): String {
        val lines = ArrayList<StringBuilder>()
        for (word in text.split(' ')) {
            val last = lines.lastOrNull()
            if (last == null || (last.isNotEmpty() && last.length + 1 + word.length > width)) {
                lines += StringBuilder(word)
            } else {
                if (last.isNotEmpty()) last.append(' ')
                last.append(word)
            }
        }
        return lines.joinToString("\n")
    }
}
