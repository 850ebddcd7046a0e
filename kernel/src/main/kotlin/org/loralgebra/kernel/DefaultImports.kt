package org.loralgebra.kernel

/** The imports every notebook, `.lora.kts` script and REPL session starts with. */
object DefaultImports {
    /** The language (its API, its value types such as `Rank` and `Split`, Kotlin operators, plot export). */
    @JvmField
    val LANGUAGE: List<String> =
        listOf(
            "org.loralgebra.*",
            "org.loralgebra.lang.*",
            "org.loralgebra.kotlin.*",
            "org.loralgebra.plot.*",
        )

    /**
     * The Lets-Plot DSL (what `%use lets-plot` would import, without its network-loaded frontend): `letsPlot`, geoms,
     * stats, labels, scales, facets, tooltips, themes, coordinates, positions.
     */
    @JvmField
    val LETS_PLOT: List<String> =
        listOf(
            "org.jetbrains.letsPlot.*",
            "org.jetbrains.letsPlot.geom.*",
            "org.jetbrains.letsPlot.stat.*",
            "org.jetbrains.letsPlot.label.*",
            "org.jetbrains.letsPlot.scale.*",
            "org.jetbrains.letsPlot.facet.*",
            "org.jetbrains.letsPlot.tooltips.*",
            "org.jetbrains.letsPlot.themes.*",
            "org.jetbrains.letsPlot.coord.*",
            "org.jetbrains.letsPlot.pos.*",
        )

    /**
     * What a notebook needs from the stdlib without an import line: analyses (`SpectrumStats`, `SubspaceSimilarity`,
     * `MergeInterference`, …), merge methods (`Method.TIES`) and clustering. Plots are in [LANGUAGE]
     * (`org.loralgebra.plot.*`).
     */
    @JvmField
    val NOTEBOOK_STDLIB: List<String> =
        listOf(
            "org.loralgebra.stdlib.analysis.*",
            "org.loralgebra.stdlib.merge.*",
            "org.loralgebra.stdlib.cluster.*",
        )

    /** [LANGUAGE] then [LETS_PLOT]. */
    @JvmField val ALL: List<String> = LANGUAGE + LETS_PLOT
}
