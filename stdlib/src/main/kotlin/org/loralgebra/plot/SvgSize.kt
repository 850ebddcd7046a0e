package org.loralgebra.plot

/** The width and height, in SVG pixels, declared on an SVG document's root element. */
internal data class SvgSize(val width: Double, val height: Double) {
    companion object {
        private val ROOT = Regex("<svg\\b[^>]*>")

        private fun attribute(name: String) = Regex("\\s$name=\"([0-9.]+)(px)?\"")

        fun of(svg: String): SvgSize {
            val root =
                ROOT.find(svg)?.value
                    ?: throw IllegalArgumentException("not an SVG document: no <svg> element in ${svg.take(80)}")
            fun read(name: String): Double =
                attribute(name).find(root)?.groupValues?.get(1)?.toDouble()
                    ?: throw IllegalArgumentException("SVG root element has no numeric $name: $root")
            return SvgSize(read("width"), read("height"))
        }
    }
}
