package org.loralgebra.plot

import java.util.Locale
import org.jetbrains.letsPlot.Figure
import org.jetbrains.letsPlot.geom.geomTile
import org.jetbrains.letsPlot.ggsize
import org.jetbrains.letsPlot.intern.Plot
import org.jetbrains.letsPlot.label.labs
import org.jetbrains.letsPlot.letsPlot
import org.jetbrains.letsPlot.scale.scaleAlphaIdentity
import org.jetbrains.letsPlot.scale.scaleFillViridis
import org.jetbrains.letsPlot.scale.scaleXContinuous
import org.jetbrains.letsPlot.scale.scaleYContinuous
import org.jetbrains.letsPlot.themes.themeMinimal
import org.loralgebra.stdlib.analysis.SubspaceSimilarity

/**
 * The LoRA paper's subspace-similarity heatmap: φ(i, j) for the top-i singular directions of the first adapter (rows)
 * against the top-j of the second (columns), for one module or averaged over modules. Colours span the values shown (on
 * the paper's fixed [0, 1] range two unrelated adapters are uniformly dark), and the subtitle gives the random-subspace
 * baseline max(i, j)/n that the values are read against.
 */
object SubspaceSimilarityPlot {
    /** The mean φ grid over every shared module. */
    @JvmStatic fun of(similarity: SubspaceSimilarity): Figure = of(similarity, null)

    /** The φ grid of one module, or the mean over modules when [module] is null; colours span the values shown. */
    @JvmStatic fun of(similarity: SubspaceSimilarity, module: String?): Figure = of(similarity, module, false)

    /**
     * The φ grid of one module, or the mean over modules when [module] is null. With [fullRange] the colours span
     * [0, 1], as in the LoRA paper (heatmaps comparable across pairs); without, they span the values shown.
     */
    @JvmStatic
    fun of(similarity: SubspaceSimilarity, module: String?, fullRange: Boolean): Figure {
        val grid = if (module == null) similarity.meanPhiGrid() else similarity.module(module).phiGrid()
        val random =
            if (module == null) similarity.meanRandomPhiGrid()
            else
                similarity.module(module).let { m ->
                    Array(m.rows()) { a -> DoubleArray(m.cols()) { b -> m.randomPhi(a + 1, b + 1) } }
                }
        requireData(grid.isNotEmpty() && grid[0].isNotEmpty()) { "no singular directions to compare" }
        val i = ArrayList<Int>()
        val j = ArrayList<Int>()
        val phi = ArrayList<Double>()
        val shown = ArrayList<Double>()
        if (fullRange) {
            // the ends of [0, 1] as two invisible tiles under the first (ggplot2's expand_limits): Lets-Plot widens
            // the colour scale of a layer whose φ is one value (1 everywhere: an adapter against itself; 0:
            // orthogonal ones) by ±0.5, and refused [0.5, 1.5] as outside the limits [0, 1]
            for (end in listOf(0.0, 1.0)) {
                i += 1
                j += 1
                phi += end
                shown += 0.0
            }
        }
        for (a in grid.indices) {
            for (b in grid[a].indices) {
                i += a + 1
                j += b + 1
                phi += grid[a][b].coerceIn(0.0, 1.0) // φ ∈ [0, 1]; F32 rounding can step past 1
                shown += 1.0
            }
        }
        val side = similarity.side().name.lowercase(Locale.ROOT)
        val what = module ?: "mean over ${similarity.modules().size} modules"
        val baseline = random.flatMap { it.asIterable() }
        val dimensions =
            (if (module == null) similarity.modules() else listOf(similarity.module(module)))
                .map { it.dimension() }
                .distinct()
                .sorted()
        val n = if (dimensions.size == 1) "n = ${dimensions[0]}" else "n = ${dimensions.first()}…${dimensions.last()}"
        val chance =
            String.format(
                Locale.ROOT,
                "random subspaces: φ ≈ max(i, j)/n = %.2g to %.2g here (%s)",
                baseline.min(),
                baseline.max(),
                n,
            )
        var p: Plot =
            letsPlot(mapOf("i" to i, "j" to j, "phi" to phi, "shown" to shown)) +
                themeMinimal() +
                geomTile {
                    x = "j"
                    y = "i"
                    fill = "phi"
                    alpha = "shown"
                } +
                scaleAlphaIdentity()
        p +=
            if (fullRange) scaleFillViridis(name = "φ(i, j)", limits = 0.0 to 1.0)
            else scaleFillViridis(name = "φ(i, j)")
        p +=
            scaleXContinuous(
                name = "j: top-j directions of ${similarity.second()}",
                breaks = SpectrumPlot.integerBreaks(grid[0].size),
                format = "d",
                expand = listOf(0, 0),
            )
        p +=
            scaleYContinuous(
                name = "i: top-i directions of ${similarity.first()}",
                breaks = SpectrumPlot.integerBreaks(grid.size),
                format = "d",
                expand = listOf(0, 0),
            )
        p +=
            labs(
                title = Titles.wrap("Subspace similarity of ${similarity.first()} and ${similarity.second()}"),
                subtitle =
                    "φ(i, j) = ‖UᵢᵀUⱼ‖² / min(i, j) (squared Frobenius norm), $side singular vectors\n$what; $chance",
                x = "j: top-j directions of ${similarity.second()}",
                y = "i: top-i directions of ${similarity.first()}",
                fill = "φ(i, j)",
            )
        p += ggsize(640, 520)
        return p
    }
}
