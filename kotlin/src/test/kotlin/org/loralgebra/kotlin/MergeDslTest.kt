package org.loralgebra.kotlin

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.loralgebra.Lora
import org.loralgebra.NumericAssertions.assertBelow
import org.loralgebra.io.safetensors.SafetensorsFile
import org.loralgebra.io.safetensors.SafetensorsWriter
import org.loralgebra.lang.Rank
import org.loralgebra.stdlib.cluster.Cluster
import org.loralgebra.stdlib.merge.CoreMerge
import org.loralgebra.stdlib.merge.MajoritySign
import org.loralgebra.stdlib.merge.Merge
import org.loralgebra.stdlib.merge.Method
import org.loralgebra.stdlib.merge.ThresholdScope
import org.loralgebra.tensor.DType
import org.loralgebra.tensor.Tensor

/** The Kotlin builders build the same expressions as the Java API they delegate to. */
class MergeDslTest {
    private val imdb = Lora.load(adapter("distilbert-imdb"))
    private val emotion = Lora.load(adapter("distilbert-emotion"))

    @TempDir lateinit var tmp: Path

    @Test
    fun mergeBuildsTheJavaExpression() {
        val k =
            merge(imdb, emotion) {
                method = TIES
                weights = listOf(0.6, 0.4)
                density = 0.5
                majoritySign = FREQUENCY
            }
        val j =
            Merge.of(imdb, emotion)
                .method(Method.TIES)
                .weights(0.6, 0.4)
                .density(0.5)
                .majoritySign(MajoritySign.FREQUENCY)
                .adapter()
        assertEquals(j, k, "equal expressions (same graph)")
        assertEquals(Merge.of(imdb, emotion).adapter(), merge(imdb, emotion), "defaults: PEFT's svd")
        assertEquals(
            Merge.of(imdb, emotion).method(Method.DARE_TIES_SVD).density(0.3).seed(7).rank(4).svdClamp(0.99).adapter(),
            merge(listOf(imdb, emotion)) {
                method = DARE_TIES_SVD
                density = 0.3
                seed = 7
                rank = 4
                svdClamp = 0.99
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.TASK_ARITHMETIC).normalize(true).rank(Rank.energy(0.9)).adapter(),
            merge(imdb, emotion) {
                method = TASK_ARITHMETIC
                normalize = true
                rankRule = Rank.energy(0.9)
            },
        )
    }

    @Test
    fun spectralMergesBuildTheJavaExpression() {
        assertEquals(
            Merge.of(imdb, emotion)
                .method(Method.CORE_SPACE)
                .coreMerge(CoreMerge.CART)
                .cartRankFraction(0.2)
                .cartWeight(0.3)
                .isotropize(true)
                .alpha(0.5)
                .adapter(),
            merge(imdb, emotion) {
                method = CORE_SPACE
                coreMerge = CoreMerge.CART
                cartRankFraction = 0.2
                cartWeight = 0.3
                isotropize = true
                alpha = 0.5
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.ISO_CTS).commonSpaceFraction(0.6).adapter(),
            merge(imdb, emotion) {
                method = ISO_CTS
                commonSpaceFraction = 0.6
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.KNOTS_DARE_TIES).density(0.8).seed(4).adapter(),
            merge(imdb, emotion) {
                method = KNOTS_DARE_TIES
                density = 0.8
                seed = 4
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.NUSLERP).weights(0.3, 0.7).alpha(2.0).adapter(),
            merge(imdb, emotion) {
                method = NUSLERP
                weights = listOf(0.3, 0.7)
                alpha = 2.0
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.MODEL_STOCK).adapter(),
            merge(imdb, emotion) { method = MODEL_STOCK },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.KARCHER).adapter(),
            merge(imdb, emotion) { method = KARCHER },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.DELLA).density(0.5).epsilon(0.1).seed(2).rank(4).adapter(),
            merge(imdb, emotion) {
                method = DELLA
                density = 0.5
                epsilon = 0.1
                seed = 2
                rank = 4
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.BREADCRUMBS_TIES).density(0.6).gamma(0.02).rank(4).adapter(),
            merge(imdb, emotion) {
                method = BREADCRUMBS_TIES
                density = 0.6
                gamma = 0.02
                rank = 4
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.BREADCRUMBS).adapter(),
            merge(imdb, emotion) { method = BREADCRUMBS },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.SCE).selectTopK(0.3).adapter(),
            merge(imdb, emotion) {
                method = SCE
                selectTopK = 0.3
            },
        )
        assertEquals(
            Merge.of(imdb, emotion).method(Method.KNOTS_TIES).thresholdScope(ThresholdScope.GLOBAL).adapter(),
            merge(imdb, emotion) {
                method = KNOTS_TIES
                thresholdScope = ThresholdScope.GLOBAL
            },
        )
        assertNotEquals(
            Merge.of(imdb, emotion).method(Method.SCE).selectTopK(0.3).adapter(),
            merge(imdb, emotion) {
                method = SCE
                selectTopK = 0.4
            },
        )
    }

    @Test
    fun clusterBuildsTheJavaExpression() {
        assertEquals(Cluster.of(imdb, emotion).k(8).seed(3).adapter(), cluster(imdb, emotion, k = 8) { seed = 3 })
        assertEquals(
            Cluster.of(imdb, emotion).k(4).iterations(10).parameterReweighting(false).outputReweighting(true).adapter(),
            cluster(imdb, emotion, k = 4) {
                iterations = 10
                parameterReweighting = false
                outputReweighting = true
            },
        )
    }

    @Test
    fun bakeIntoWritesTheBakedModel() {
        val module = "distilbert.transformer.layer.0.attention.q_lin"
        val one = imdb.select(module)
        val base = Files.createDirectories(tmp.resolve("base"))
        val w = Tensor.ofDoubles(DType.F32, longArrayOf(768, 768), DoubleArray(768 * 768) { (it % 7) * 0.01 })
        SafetensorsWriter.write(
            base.resolve("model.safetensors"),
            mapOf("format" to "pt"),
            mapOf("$module.weight" to w),
        )
        val report = one.bakeInto(base.toString(), tmp.resolve("out").toString())
        assertEquals(mapOf("$module.weight" to module), report.updated())
        val baked =
            SafetensorsFile.open(report.out().resolve("model.safetensors")).read("$module.weight").toDoubleArray()
        val expected = w.toDoubleArray()
        val delta = one.dense(module).toArray()
        for (i in expected.indices) {
            assertBelow(Math.abs(expected[i] + delta[i] - baked[i]), 1e-5, "entry $i: |W + ΔW − baked|")
        }
    }

    companion object {
        fun adapter(name: String): Path {
            var dir: Path? = Path.of("").toAbsolutePath()
            while (dir != null) {
                val candidate = dir.resolve("examples/adapters/$name")
                if (Files.isDirectory(candidate)) return candidate
                dir = dir.parent
            }
            throw IllegalStateException("examples/adapters/$name not found")
        }
    }
}
