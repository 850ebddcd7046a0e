package org.loralgebra.kotlin

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.NumericAssertions.assertBelow
import org.loralgebra.lang.Side
import org.loralgebra.stdlib.orthogonalize.ContinualMerge
import org.loralgebra.stdlib.orthogonalize.FedSvd
import org.loralgebra.stdlib.orthogonalize.Orthogonalize

/** The Kotlin builders build the same expressions as the Java API they delegate to. */
class OrthogonalizeDslTest {
    private val imdb = Lora.load(adapter("distilbert-imdb"))
    private val emotion = Lora.load(adapter("distilbert-emotion"))

    @Test
    fun orthogonalizeBuildsTheJavaExpression() {
        val k =
            imdb.orthogonalize(emotion) {
                side = Side.BOTH
                rank = 4
            }
        val j = Orthogonalize.of(imdb).against(emotion).side(Side.BOTH).rank(4).adapter()
        assertEquals(j, k, "equal expressions (same graph)")
        assertEquals(
            imdb.orthogonalize(emotion),
            Orthogonalize.of(imdb).against(emotion).adapter(),
            "defaults: output side, all",
        )
        val report = imdb.orthogonalizationReport(emotion) { rank = 2 }
        assertEquals(2, report.rank())
        assertBelow(report.maxEnergyAfter(), 1e-9, report.toString())
        assertEquals(12, imdb.anglesTo(emotion, Side.INPUT, 4).modules().size)
        assertEquals(FedSvd.refactor(imdb), imdb.fedSvd())
    }

    @Test
    fun continualMergeFoldsInOrder() {
        val k = continualMerge(imdb, emotion) { alpha = 0.3 }
        val j = ContinualMerge.start().alpha(0.3).fold(imdb).fold(emotion)
        assertEquals(j.lambda(), k.lambda(), 1e-12)
        assertEquals(2, k.count())
        val m = "distilbert.transformer.layer.4.attention.q_lin"
        assertEquals(0.0, k.adapter().dense(m).minus(j.adapter().dense(m)).frobeniusNorm(), 0.0, "deterministic")
    }

    companion object {
        fun adapter(name: String): Path {
            var dir: Path? = Path.of("").toAbsolutePath()
            while (dir != null) {
                val candidate = dir.resolve("examples/adapters/$name")
                if (Files.isDirectory(candidate)) return candidate
                dir = dir.parent
            }
            error("examples/adapters/$name not found")
        }
    }
}
